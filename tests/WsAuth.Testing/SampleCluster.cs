using System.Diagnostics;
using System.Globalization;

namespace WsAuth.Testing;

/// <summary>
/// samples/cluster/start.sh running: three sample instances behind nginx. Disposing sends SIGTERM, which stops nginx
/// and the instances; killing the process tree is the backstop.
/// </summary>
public sealed class SampleCluster : IDisposable
{
    private readonly Process _process;

    private SampleCluster(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>nginx's address, <c>http://127.0.0.1:port</c>; also the origin the instances allow.</summary>
    public Uri Address { get; }

    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    /// <summary>Runs the documented start command with <paramref name="sampleDll"/> and waits for its READY line.</summary>
    public static async Task<SampleCluster> StartAsync(string engine, int port, string instancePorts, string sampleDll, IEnumerable<string> sampleArguments, Action<string> log)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "samples", "cluster", "start.sh"));
        start.ArgumentList.Add(engine);
        start.ArgumentList.Add("--");
        foreach (var argument in sampleArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CLUSTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["INSTANCE_PORTS"] = instancePorts;
        start.Environment["SAMPLE_DLL"] = sampleDll;
        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                log(line);
                if (line.StartsWith("READY", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                log("stderr: " + line);
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("samples/cluster/start.sh exited before READY (see the test output)."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var cluster = new SampleCluster(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        return cluster;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
