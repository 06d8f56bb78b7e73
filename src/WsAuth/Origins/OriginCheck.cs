namespace WsAuth.Internal;

/// <summary>The outcome of checking a handshake's <c>Origin</c> header against the policy.</summary>
internal enum OriginCheck
{
    /// <summary>A single, well-formed origin that the allow-list accepts.</summary>
    Allowed,

    /// <summary>No <c>Origin</c> header: a non-browser client.</summary>
    Missing,

    /// <summary>The opaque origin <c>null</c> (sandboxed iframe, <c>file:</c>, <c>data:</c>).</summary>
    Null,

    /// <summary>More than one <c>Origin</c> header.</summary>
    Multiple,

    /// <summary>An <c>Origin</c> value that is not a serialized origin.</summary>
    Malformed,

    /// <summary>A well-formed origin that is not allowed.</summary>
    NotAllowed,
}
