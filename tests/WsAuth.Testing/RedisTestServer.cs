using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace WsAuth.Testing;

/// <summary>
/// Redis for the tests. <see cref="Configuration"/> is the shared server test.sh starts (<c>WSAUTH_REDIS</c>, a
/// StackExchange.Redis configuration string such as <c>127.0.0.1:6390</c>); without it every Redis test fails with a
/// message saying how to start one, unless <c>WSAUTH_SKIP_REDIS=1</c> (then they are skipped; CI never does). A test that
/// stops, pauses, fills or demotes Redis starts its own <c>redis-server</c> process with <see cref="StartOwnAsync"/>, so it
/// disturbs no other test.
/// </summary>
public sealed class RedisTestServer : IAsyncDisposable
{
    public const string ConfigurationVariable = "WSAUTH_REDIS";
    public const string SkipVariable = "WSAUTH_SKIP_REDIS";

    public const string HowToStart =
        "The Redis tests need a redis-server: set WSAUTH_REDIS to its address (for example \"127.0.0.1:6390\"). ./test.sh installs "
        + "redis-server when missing, starts a throwaway one and sets it; for plain `dotnet test`, start one yourself: "
        + "`redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes` and "
        + "`export WSAUTH_REDIS=127.0.0.1:6390`. The fault tests also start their own redis-server from PATH (apt-get install redis-server). "
        + "To skip these tests instead, set WSAUTH_SKIP_REDIS=1 (CI never does).";

    private readonly string? _password;
    private readonly string[] _arguments;
    private Process? _process;

    private RedisTestServer(int port, string? password, string[] arguments)
    {
        Port = port;
        _password = password;
        _arguments = arguments;
    }

    private RedisTestServer WithPort(int port) => new(port, _password, _arguments);

    /// <summary>Whether <c>WSAUTH_SKIP_REDIS=1</c> asks to skip the Redis tests; never honoured under CI (<c>CI=true</c>).</summary>
    public static bool Skipped => Environment.GetEnvironmentVariable(SkipVariable) == "1" && Environment.GetEnvironmentVariable("CI") != "true";

    /// <summary>The shared server's configuration string; fails the test with <see cref="HowToStart"/> when there is none.</summary>
    public static string Configuration
        => Environment.GetEnvironmentVariable(ConfigurationVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(HowToStart);

    /// <summary>A key prefix no other test uses, so tests share the server without seeing each other's keys.</summary>
    public static string NewKeyPrefix() => "wsauth-test:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ":";

    public int Port { get; }

    /// <summary>This server's configuration string (with its password, when it has one).</summary>
    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture) + (_password is null ? string.Empty : ",password=" + _password);

    /// <summary>Starts a throwaway redis-server of the test's own on a free loopback port, without persistence.</summary>
    /// <param name="password">A password the server requires (<c>requirepass</c>), also after a restart.</param>
    /// <param name="arguments">More redis-server arguments (such as <c>--cluster-enabled yes</c>).</param>
    public static async Task<RedisTestServer> StartOwnAsync(string? password = null, params string[] arguments)
    {
        // A port the OS just called free can be taken by another test before redis-server binds it: then try another.
        var server = new RedisTestServer(FreePort(), password, arguments);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 4)
            {
                await server.StopAsync();
                server = server.WithPort(FreePort());
            }
        }
    }

    /// <summary>(Re)starts the process on the same port, empty: nothing was persisted.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes" })
        {
            start.ArgumentList.Add(argument);
        }

        if (_password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(_password);
        }

        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not on PATH. " + HowToStart, ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200 && !_process.HasExited; attempt++)
        {
            try
            {
                // This process, not another test's server that took the port first.
                var info = (string?)await CommandAsync(Address, "INFO", "server") ?? string.Empty;
                if (info.Contains("process_id:" + _process.Id.ToString(CultureInfo.InvariantCulture) + "\r\n", StringComparison.Ordinal))
                {
                    return;
                }

                break;
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
            }
            catch (InvalidOperationException)
            {
                break; // another server (it wants a password, or refused): the port is taken
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException($"redis-server did not start on {Address} (the port may be taken).");
    }

    /// <summary>Kills the process: Redis is gone, as after a crash; every connection drops.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public Task<object?> CommandAsync(params string[] arguments) => CommandAsync(Address, arguments);

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Sends one command over a fresh connection and returns its reply: a string (simple or bulk), a long, null, or an
    /// array of those. An error reply throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static async Task<object?> CommandAsync(string address, params string[] arguments)
    {
        var parts = address.Split(',');
        var endPoint = parts[0];
        var colon = endPoint.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Parse(endPoint[..colon]), int.Parse(endPoint[(colon + 1)..], CultureInfo.InvariantCulture));
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        if (parts.FirstOrDefault(p => p.StartsWith("password=", StringComparison.Ordinal)) is { } password)
        {
            var user = parts.FirstOrDefault(p => p.StartsWith("user=", StringComparison.Ordinal));
            await stream.WriteAsync(Request(user is null ? ["AUTH", password["password=".Length..]] : ["AUTH", user["user=".Length..], password["password=".Length..]]));
            await ReadReplyAsync(reader);
        }

        await stream.WriteAsync(Request(arguments));
        return await ReadReplyAsync(reader);
    }

    private static byte[] Request(string[] arguments)
    {
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(request.ToString());
    }

    private static async Task<object?> ReadReplyAsync(StreamReader reader)
    {
        var line = await reader.ReadLineAsync() ?? throw new IOException("Redis closed the connection.");
        var rest = line[1..];
        switch (line[0])
        {
            case '+':
                return rest;
            case '-':
                throw new InvalidOperationException(rest);
            case ':':
                return long.Parse(rest, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var buffer = new char[length + 2];
                var read = 0;
                while (read < buffer.Length)
                {
                    read += await reader.ReadAsync(buffer.AsMemory(read));
                }

                return new string(buffer, 0, length);
            case '*':
                var count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadReplyAsync(reader);
                }

                return items;
            default:
                throw new IOException("Unexpected Redis reply: " + line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A test against a real redis-server; skipped only when <c>WSAUTH_SKIP_REDIS=1</c>.</summary>
public sealed class RedisFactAttribute : Xunit.FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisTestServer.Skipped)
        {
            Skip = "WSAUTH_SKIP_REDIS=1";
        }
    }
}

/// <summary>A theory against a real redis-server; skipped only when <c>WSAUTH_SKIP_REDIS=1</c>.</summary>
public sealed class RedisTheoryAttribute : Xunit.TheoryAttribute
{
    public RedisTheoryAttribute()
    {
        if (RedisTestServer.Skipped)
        {
            Skip = "WSAUTH_SKIP_REDIS=1";
        }
    }
}
