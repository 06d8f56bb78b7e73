using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using WsAuth.LoadTest.Client;

namespace WsAuth.LoadTest;

/// <summary>
/// A server under test in its own process, on 127.0.0.1 with an OS-assigned port. It prints <c>READY &lt;url&gt;</c>
/// once listening and exits when its standard input closes, so it never outlives the driver.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        EndPoint = new IPEndPoint(IPAddress.Parse(baseUri.Host), baseUri.Port);
    }

    public Uri BaseUri { get; }

    public IPEndPoint EndPoint { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts this program as <c>serve &lt;id&gt;</c>, with ASP.NET Core's default server GC.</summary>
    public static Task<ServerProcess> StartDotNetAsync(string scenarioId, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's path.");
        var start = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(scenarioId);
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment[Scenarios.BenchSecrets.JwtKeyVariable] = Scenarios.BenchSecrets.JwtKeyBase64;
        return StartAsync(start, cancellationToken);
    }

    public static Task<ServerProcess> StartNodeAsync(string script, IDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Path.GetDirectoryName(script) };
        start.ArgumentList.Add("--expose-gc");
        start.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return StartAsync(start, cancellationToken);
    }

    /// <summary>
    /// CPU time (user + system) the server process has used so far, from /proc/&lt;pid&gt;/stat. Its unit is USER_HZ,
    /// which Linux fixes at 100 per second for user space.
    /// </summary>
    public CpuTimes ReadCpuTimes()
    {
        try
        {
            // Fields 14 and 15 (utime, stime) of /proc/<pid>/stat; the command name before them may contain spaces.
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return new CpuTimes(
                TimeSpan.FromSeconds(long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0),
                TimeSpan.FromSeconds(long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0));
        }
        catch (IOException)
        {
            return default;
        }
    }

    /// <summary>The server's own memory figures after a full collection (see BenchEndpoints and node-peer/server.js).</summary>
    public async Task<MemorySnapshot> GetMemoryAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        var json = await http.GetStringAsync(new Uri("/__bench/memory", UriKind.Relative), cancellationToken);
        using var document = JsonDocument.Parse(json);
        return new MemorySnapshot(
            document.RootElement.GetProperty("workingSet").GetInt64(),
            document.RootElement.GetProperty("managed").GetInt64());
    }

    /// <summary>WsAuth's live sessions, waiting first-message sockets and revocation registry entries in the server.</summary>
    public async Task<(long Sessions, long Pending, long Registry)> GetGaugesAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var json = await http.GetStringAsync(new Uri("/__bench/gauges", UriKind.Relative), cancellationToken);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return (root.GetProperty("sessions").GetInt64(), root.GetProperty("pending").GetInt64(), root.GetProperty("registry").GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close(); // the server stops itself
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true); // only the process this driver started
            }
        }

        _process.Dispose();
    }

    private static async Task<ServerProcess> StartAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    // Keep draining stdout so that the server never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return new ServerProcess(process, new Uri(line["READY ".Length..].Trim()));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // fall through: report below
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(CancellationToken.None);
        string stderr;
        lock (errors)
        {
            stderr = errors.ToString();
        }

        process.Dispose();
        throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not start: {stderr.Trim()}");
    }
}

/// <summary>A server's resident set and its managed (or V8) heap in use, in bytes.</summary>
internal readonly record struct MemorySnapshot(long WorkingSet, long Managed);
