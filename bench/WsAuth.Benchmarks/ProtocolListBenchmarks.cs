using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Primitives;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>
/// Parsing <c>Sec-WebSocket-Protocol</c>, done lazily the first time an authenticator (or the accept wrapper) asks for
/// the offered protocols.
/// </summary>
[MemoryDiagnoser]
public class ProtocolListBenchmarks
{
    // A JWT-sized token (about 250 characters), as the marker form carries it.
    private static readonly string Token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + new string('x', 180) + ".c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU";

    private static readonly StringValues Single = "chat.v1";
    private static readonly StringValues Marker = "chat.v1, access_token, " + Token;
    private static readonly StringValues Kubernetes = "chat.v1, base64url.bearer.authorization.k8s.io." + Token.Replace('.', '_');

    [Benchmark(Description = "Sec-WebSocket-Protocol: one app protocol")]
    public List<string> OneProtocol() => ProtocolList.Parse(Single);

    [Benchmark(Description = "Sec-WebSocket-Protocol: app, marker, token")]
    public List<string> MarkerForm() => ProtocolList.Parse(Marker);

    [Benchmark(Description = "Sec-WebSocket-Protocol: app, Kubernetes token")]
    public List<string> KubernetesForm() => ProtocolList.Parse(Kubernetes);
}
