using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The sample's <c>Sample:OpenTelemetry</c> key, as a user runs it: the sample's own process on 127.0.0.1, the console
/// exporter's output read from its standard output.
/// </summary>
public partial class SampleOpenTelemetryTests
{
    [Fact]
    public async Task Console_PrintsTheRejectedHandshakeSpan_WithItsReason()
    {
        // Arrange
        using var sample = SampleProcess.Start("--Sample:OpenTelemetry=console");
        var server = await sample.WaitForListeningAsync();

        // Act
        var response = await RawHandshake.SendAsync(server, "/ws", [("Origin", "https://evil.example")]);
        var output = await sample.WaitForOutputAsync(o => o.Contains("wsauth.reason: origin_not_allowed", StringComparison.Ordinal));

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Contains("Activity.DisplayName:        wsauth.handshake", output, StringComparison.Ordinal);
        Assert.Contains("http.response.status_code: 403", output, StringComparison.Ordinal);
        Assert.Contains("Name: WsAuth", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Otlp_SendsTheHandshakeSpanToTheStandardEndpoint()
    {
        // Arrange: a stand-in collector on 127.0.0.1 that keeps what is posted to it (OTLP over HTTP/protobuf: strings
        // such as span names and tag values are plain UTF-8 in the body).
        var posted = new ConcurrentQueue<(string Path, byte[] Body)>();
        await using var collector = await KestrelTestApp.StartAsync(_ => { }, (app, _) => app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            posted.Enqueue((context.Request.Path.Value!, body.ToArray()));
        }));
        using var sample = SampleProcess.Start(
            new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.HttpUri.ToString().TrimEnd('/'),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            },
            "--Sample:OpenTelemetry=otlp");
        var server = await sample.WaitForListeningAsync();

        // Act
        await RawHandshake.SendAsync(server, "/ws", [("Origin", "https://evil.example")]);
        var start = TimeProvider.System.GetTimestamp();
        string traces;
        while (!(traces = string.Join('\n', posted.Where(p => p.Path == "/v1/traces").Select(p => Encoding.UTF8.GetString(p.Body)))).Contains("origin_not_allowed", StringComparison.Ordinal))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(30), "No span reached the collector. Sample output:\n" + sample.Output);
            await Task.Delay(100);
        }

        // Assert
        Assert.Contains("wsauth.handshake", traces, StringComparison.Ordinal);
        Assert.Contains("wsauth.reason", traces, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_ByDefault_PrintsNoSpan()
    {
        using var sample = SampleProcess.Start();
        var server = await sample.WaitForListeningAsync();

        var response = await RawHandshake.SendAsync(server, "/ws", [("Origin", "https://evil.example")]);
        await sample.WaitForOutputAsync(o => o.Contains("HandshakeRejected", StringComparison.Ordinal) || o.Contains("rejected with 403", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.DoesNotContain("wsauth.handshake", sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownExporter_FailsAtStartup_NamingTheKeyAndItsValues()
    {
        using var sample = SampleProcess.Start("--Sample:OpenTelemetry=zipkin");

        var exitCode = await sample.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Sample:OpenTelemetry is 'zipkin': use 'console', 'otlp'", sample.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();

    /// <summary>The sample's built assembly (copied here by the project reference), run with <c>dotnet</c> on 127.0.0.1:0.</summary>
    private sealed class SampleProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private SampleProcess(Process process) => _process = process;

        public string Output => string.Join('\n', _lines);

        public static SampleProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

        public static SampleProcess Start(Dictionary<string, string> environment, params string[] args)
        {
            // As `dotnet run --project samples/WsAuth.Sample` does: the project folder is the content root.
            var project = Path.Combine(RepositoryRoot(), "samples", "WsAuth.Sample");
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = project,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WsAuth.Sample.dll"));
            info.ArgumentList.Add("--contentRoot=" + project);
            info.ArgumentList.Add("--urls=http://127.0.0.1:0");
            info.ArgumentList.Add("--environment=Development");
            info.ArgumentList.Add("--WsAuth:AllowedOrigins:0=https://sample.example.com"); // port 0 gives no origin of its own
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }

            var sample = new SampleProcess(new Process { StartInfo = info });
            sample._process.OutputDataReceived += (_, e) => sample.Add(e.Data);
            sample._process.ErrorDataReceived += (_, e) => sample.Add(e.Data);
            sample._process.Start();
            sample._process.BeginOutputReadLine();
            sample._process.BeginErrorReadLine();
            return sample;
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "WsAuth.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("WsAuth.sln not found above " + AppContext.BaseDirectory);
        }

        public async Task<Uri> WaitForListeningAsync()
        {
            var output = await WaitForOutputAsync(o => ListeningPattern().IsMatch(o));
            return new Uri(ListeningPattern().Match(output).Groups[1].Value);
        }

        public async Task<string> WaitForOutputAsync(Func<string, bool> done)
        {
            var start = TimeProvider.System.GetTimestamp();
            while (true)
            {
                var output = Output;
                if (done(output))
                {
                    return output;
                }

                if (_process.HasExited || TimeProvider.System.GetElapsedTime(start) > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException("The sample did not print what was expected. Its output:\n" + output);
                }

                await Task.Delay(50);
            }
        }

        public async Task<int> WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit(); // drains the redirected output
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is not null)
            {
                _lines.Enqueue(line);
            }
        }
    }
}
