namespace WsAuth.Sample;

/// <summary>
/// The sample's default allow-list: the origins a browser uses to reach the URLs the sample listens on. A real app lists
/// its web front end's origins in configuration (WsAuth:AllowedOrigins) instead.
/// </summary>
internal static class SampleOrigins
{
    public static IEnumerable<string> FromListeningUrls(string? urls)
    {
        foreach (var raw in (urls ?? "http://localhost:5000").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = raw.IndexOf("://", StringComparison.Ordinal);
            if (separator <= 0)
            {
                continue;
            }

            var scheme = raw[..separator].ToLowerInvariant();
            var authority = raw[(separator + 3)..].Split('/')[0];
            var portSeparator = authority.LastIndexOf(':');
            var host = portSeparator > 0 && !authority.EndsWith(']') ? authority[..portSeparator] : authority;
            var port = portSeparator > 0 && !authority.EndsWith(']') ? authority[(portSeparator + 1)..] : (scheme == "https" ? "443" : "80");
            if (port == "0")
            {
                continue; // an OS-assigned port is not known before the server starts: configure WsAuth:AllowedOrigins
            }

            if (host is "*" or "+" or "0.0.0.0" or "[::]" or "localhost" or "127.0.0.1" or "[::1]")
            {
                // Loopback or all interfaces: a browser on this machine may use any of the loopback names.
                yield return $"{scheme}://localhost:{port}";
                yield return $"{scheme}://127.0.0.1:{port}";
                yield return $"{scheme}://[::1]:{port}";
            }
            else
            {
                yield return $"{scheme}://{host}:{port}";
            }
        }
    }
}
