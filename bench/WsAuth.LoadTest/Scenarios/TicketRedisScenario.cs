using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.LoadTest.Client;

namespace WsAuth.LoadTest.Scenarios;

/// <summary>
/// Single-use tickets in Redis (WsAuth.Redis): its own key prefix in the redis-server <c>WSAUTH_REDIS</c> names
/// (bench/run.sh starts a throwaway one when it is not set). Unavailable when none answers. The driver also reads the
/// redis-server process's own CPU time (its pid from <c>INFO server</c>, its time from /proc/&lt;pid&gt;/stat), so the
/// row's CPU per handshake can be read with Redis's share beside it.
/// </summary>
internal sealed class TicketRedisScenario : TicketMemoryScenario
{
    public new const string ScenarioId = "ticket-redis";
    public const string ConfigurationVariable = "WSAUTH_REDIS";
    public const string KeyPrefix = "wsauth-bench:ticket:";

    private int? _redisPid;

    public override string Id => ScenarioId;

    public override string Title => "WsAuth ticket (Redis store)";

    public override double? TargetRatioToBare => 0.7;

    public override Func<CpuTimes>? StoreCpu => _redisPid is { } pid && File.Exists($"/proc/{pid}/stat") ? () => ReadCpuTimes(pid) : null;

    public override string? CheckAvailable(RunSettings settings)
    {
        var configuration = Environment.GetEnvironmentVariable(ConfigurationVariable);
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return $"no Redis: set {ConfigurationVariable} to host:port (bench/run.sh starts a throwaway redis-server when it is not set).";
        }

        try
        {
            var info = Command(configuration, "INFO", "server");
            var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("process_id:", StringComparison.Ordinal));
            _redisPid = line is null ? null : int.Parse(line["process_id:".Length..].Trim(), CultureInfo.InvariantCulture);
            return null;
        }
        catch (Exception ex) when (ex is SocketException or IOException or FormatException or InvalidOperationException)
        {
            return $"no Redis answering at {ConfigurationVariable} ({ex.GetType().Name}).";
        }
    }

    protected override void ConfigureStore(WebSocketAuthBuilder wsAuth)
        => wsAuth.AddRedisTicketStore(Environment.GetEnvironmentVariable(ConfigurationVariable)!, o => o.KeyPrefix = KeyPrefix);

    /// <summary>utime and stime (fields 14 and 15) of /proc/&lt;pid&gt;/stat, in USER_HZ (100 per second).</summary>
    private static CpuTimes ReadCpuTimes(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
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

    /// <summary>One command over a fresh connection (3 s timeout); returns a bulk or simple string reply.</summary>
    private static string Command(string configuration, params string[] arguments)
    {
        var endPoint = configuration.Split(',')[0];
        var colon = endPoint.LastIndexOf(':');
        using var client = new TcpClient { ReceiveTimeout = 3000, SendTimeout = 3000 };
        client.Connect(endPoint[..colon], int.Parse(endPoint[(colon + 1)..], CultureInfo.InvariantCulture));
        using var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        stream.Write(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var line = reader.ReadLine() ?? throw new IOException("Redis closed the connection.");
        switch (line[0])
        {
            case '+':
                return line[1..];
            case '$':
                var buffer = new char[int.Parse(line[1..], CultureInfo.InvariantCulture)];
                var read = 0;
                while (read < buffer.Length)
                {
                    read += reader.Read(buffer, read, buffer.Length - read);
                }

                return new string(buffer);
            default:
                throw new InvalidOperationException("Redis refused the command (" + line.Split(' ')[0] + ").");
        }
    }
}
