using System.Diagnostics;
using System.Text.Json;
using WsAuth.Testing;

namespace WsAuth.BrowserTests;

/// <summary>
/// The real @microsoft/signalr client (10.0.11, a dev dependency of clients/js) in Node against the real sample on
/// Kestrel: <c>ticketAccessTokenFactory()</c> of @wsauth/client as its <c>accessTokenFactory</c>, negotiate with the
/// login cookie, the WebSocket with a fresh ticket (Node's client sends it as <c>Authorization: Bearer</c>); a replayed
/// ticket and a foreign Origin are refused; no ticket appears in a WsAuth log line.
/// </summary>
public sealed class SignalRInNodeTests
{
    private const string Origin = "http://app.wsauth.test";

    [Fact]
    public async Task NodeClient_ConnectsWithATicket_ReplayAndForeignOriginRefused_NoTicketInWsAuthLogs()
    {
        // Arrange
        await using var sample = new SampleServer(Origin);
        sample.Start();

        // Act
        var lines = await RunNodeAsync(sample.ListeningUri.ToString().TrimEnd('/'), "replay");

        // Assert
        Assert.Equal(JsonSerializer.Serialize(new { step = "whoami", user = "alice", method = "ticket" }), lines["whoami"].GetRawText());
        Assert.Equal("from node", lines["echo"].GetProperty("text").GetString());
        Assert.Equal("refused", lines["replay"].GetProperty("outcome").GetString());
        Assert.Equal("ok", lines["replay"].GetProperty("message").GetString());
        Assert.Equal("refused", lines["foreign"].GetProperty("outcome").GetString());
        var logs = sample.Logs.GetSnapshot();
        Assert.Contains(logs, r => r.AllText.Contains(WebSocketAuthFailureReasons.TicketInvalid, StringComparison.Ordinal));
        Assert.Contains(logs, r => r.AllText.Contains(WebSocketAuthFailureReasons.OriginNotAllowed, StringComparison.Ordinal));
        var wsauth = logs.Where(r => r.Category?.StartsWith("WsAuth", StringComparison.Ordinal) == true).ToList();
        foreach (var ticket in lines["tickets"].GetProperty("tickets").EnumerateArray().Select(t => t.GetString()!))
        {
            Assert.DoesNotContain(wsauth, r => r.AllText.Contains(ticket, StringComparison.Ordinal));
        }
    }

    private static async Task<Dictionary<string, JsonElement>> RunNodeAsync(string baseUrl, string scenario)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "node", "signalr-client.mjs"), RepositoryPaths.Root, baseUrl, Origin, scenario })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToDictionary(e => e.GetProperty("step").GetString()!);
    }
}
