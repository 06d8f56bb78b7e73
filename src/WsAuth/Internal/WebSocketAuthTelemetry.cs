using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace WsAuth.Internal;

/// <summary>
/// WsAuth's traces: the <c>WsAuth</c> <see cref="ActivitySource"/> and the activities it records. One
/// <c>wsauth.handshake</c> activity per guarded handshake (a child of ASP.NET Core's request activity), a
/// <c>wsauth.first_message</c> child while a first message is awaited, and a <c>wsauth.session.refresh</c> activity per
/// in-band refresh. Tags are values WsAuth chose (method names, reason codes, status and close codes, durations) plus
/// the Origin as it is logged (<see cref="LogSafe.Origin"/>): never a credential, a token fragment, a ticket or a user.
/// </summary>
/// <remarks>
/// When nothing listens to the source, every method here returns after one check of
/// <see cref="ActivitySource.HasListeners"/>: no activity, no tag, no allocation.
/// </remarks>
internal static class WebSocketAuthTelemetry
{
    public const string HandshakeActivity = "wsauth.handshake";
    public const string FirstMessageActivity = "wsauth.first_message";
    public const string RefreshActivity = "wsauth.session.refresh";

    public const string MethodTag = WebSocketAuthMetrics.MethodTag;
    public const string OutcomeTag = WebSocketAuthMetrics.OutcomeTag;
    public const string ReasonTag = WebSocketAuthMetrics.ReasonTag;
    public const string StatusCodeTag = "http.response.status_code";
    public const string CloseCodeTag = "wsauth.close_code";
    public const string AuthenticatorDurationTag = "wsauth.authenticator.duration";
    public const string OriginTag = "wsauth.origin";
    public const string ErrorTypeTag = "error.type";

    public const string Authenticated = "authenticated";
    public const string Rejected = "rejected";
    public const string Refreshed = "refreshed";
    public const string Aborted = "aborted";

    /// <summary>The <c>WsAuth</c> source, versioned with the assembly.</summary>
    public static readonly ActivitySource Source = new(
        WebSocketAuthDefaults.ActivitySourceName,
        typeof(WebSocketAuthTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the handshake activity (a child of <see cref="Activity.Current"/>, the request's), or null when nobody listens.</summary>
    public static Activity? StartHandshake() => Source.HasListeners() ? Source.StartActivity(HandshakeActivity, ActivityKind.Internal) : null;

    /// <summary>A timestamp for <see cref="AuthenticatorCompleted"/>, or 0 when nobody listens (no clock read).</summary>
    public static long AuthenticatorStarting() => Source.HasListeners() ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Adds the time one authenticator took to the handshake's <c>wsauth.authenticator.duration</c> (seconds, every authenticator tried).</summary>
    public static void AuthenticatorCompleted(long startTimestamp)
    {
        if (startTimestamp == 0 || CurrentHandshake() is not { } activity)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        var total = activity.GetTagItem(AuthenticatorDurationTag) is double sum ? sum + elapsed : elapsed;
        activity.SetTag(AuthenticatorDurationTag, total);
    }

    /// <summary>An authenticator threw: <c>error.type</c> is its exception type (never the message: it can hold the credential).</summary>
    public static void AuthenticatorThrew(Exception exception)
    {
        if (CurrentHandshake() is { } activity)
        {
            activity.SetTag(ErrorTypeTag, exception.GetType().FullName);
        }
    }

    /// <summary>Records an accepted handshake and ends its activity: endpoint code does not run inside it.</summary>
    public static void HandshakeAuthenticated(string method)
    {
        if (CurrentHandshake() is { } activity)
        {
            activity.SetTag(MethodTag, method);
            activity.SetTag(OutcomeTag, Authenticated);
            activity.Stop();
        }
    }

    /// <summary>Records a rejected handshake: an HTTP status before the upgrade, or a close code after it.</summary>
    public static void HandshakeRejected(HttpContext context, string? method, string reason, int? statusCode, int? closeCode)
    {
        if (CurrentHandshake() is { } activity)
        {
            SetRejected(activity, method ?? WebSocketAuthMetrics.NoMethod, reason, statusCode, closeCode);
            if (LogSafe.Origin(context.Request.Headers.Origin) is { } origin)
            {
                activity.SetTag(OriginTag, origin);
            }
        }
    }

    /// <summary>
    /// An exception left the guard (an event handler threw, say): the span records its type, never its message. Always
    /// false, for use as an exception filter that lets the exception go on unchanged.
    /// </summary>
    public static bool HandshakeFailed(Activity? activity, Exception exception)
    {
        if (activity is { IsStopped: false })
        {
            activity.SetTag(OutcomeTag, "error");
            activity.SetTag(ErrorTypeTag, exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().FullName);
        }

        return false;
    }

    /// <summary>Ends the handshake activity if it is still open; one that recorded no outcome was abandoned by the client.</summary>
    public static void EndHandshake(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        if (!activity.IsStopped)
        {
            if (activity.GetTagItem(OutcomeTag) is null)
            {
                activity.SetTag(OutcomeTag, Aborted);
            }

            activity.Stop();
        }

        // Stopped in a callee (whose change of Activity.Current does not flow back here): endpoint code runs under the request's.
        if (ReferenceEquals(Activity.Current, activity))
        {
            Activity.Current = activity.Parent;
        }
    }

    /// <summary>Starts the first-message wait (after the upgrade), a child of the handshake activity.</summary>
    public static Activity? StartFirstMessage() => Source.HasListeners() ? Source.StartActivity(FirstMessageActivity, ActivityKind.Internal) : null;

    /// <summary>Ends the first-message wait with what the message decided.</summary>
    public static void FirstMessageCompleted(Activity? activity, FirstMessageOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        switch (outcome.Kind)
        {
            case FirstMessageOutcomeKind.Authenticated:
                activity.SetTag(MethodTag, WebSocketAuthDefaults.FirstMessageMethod);
                activity.SetTag(OutcomeTag, Authenticated);
                break;
            case FirstMessageOutcomeKind.ClientGone:
                activity.SetTag(MethodTag, WebSocketAuthDefaults.FirstMessageMethod);
                activity.SetTag(OutcomeTag, Aborted);
                break;
            default:
                SetRejected(activity, WebSocketAuthDefaults.FirstMessageMethod, outcome.Reason, null, outcome.CloseCode);
                break;
        }

        activity.Stop();
    }

    /// <summary>Starts an in-band refresh (a child of the current activity: the request's, where the endpoint receives).</summary>
    public static Activity? StartRefresh(string method)
    {
        if (!Source.HasListeners() || Source.StartActivity(RefreshActivity, ActivityKind.Internal) is not { } activity)
        {
            return null;
        }

        activity.SetTag(MethodTag, method);
        return activity;
    }

    /// <summary>Ends a refresh that succeeded.</summary>
    public static void RefreshSucceeded(Activity? activity)
    {
        if (activity is not null)
        {
            activity.SetTag(OutcomeTag, Refreshed);
            activity.Stop();
        }
    }

    /// <summary>
    /// Ends a refresh that closed the session. A refresh message too malformed to reach the validator has no activity
    /// yet: it gets one now, so every rejected refresh leaves a span.
    /// </summary>
    public static void RefreshRejected(Activity? activity, string method, int closeCode, string reason)
    {
        activity ??= StartRefresh(method);
        if (activity is not null)
        {
            SetRejected(activity, method, reason, null, closeCode);
            activity.Stop();
        }
    }

    private static void SetRejected(Activity activity, string method, string reason, int? statusCode, int? closeCode)
    {
        activity.SetTag(MethodTag, method);
        activity.SetTag(OutcomeTag, Rejected);
        activity.SetTag(ReasonTag, reason);
        if (statusCode is { } status)
        {
            activity.SetTag(StatusCodeTag, status);
        }

        if (closeCode is { } code)
        {
            activity.SetTag(CloseCodeTag, code);
        }

        if (activity.GetTagItem(ErrorTypeTag) is null)
        {
            activity.SetTag(ErrorTypeTag, reason);
        }

        activity.SetStatus(ActivityStatusCode.Error, reason);
    }

    /// <summary>This request's handshake activity while it records, found from <see cref="Activity.Current"/>.</summary>
    private static Activity? CurrentHandshake()
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
        {
            if (ReferenceEquals(activity.Source, Source) && string.Equals(activity.OperationName, HandshakeActivity, StringComparison.Ordinal))
            {
                return activity.IsStopped || !activity.IsAllDataRequested ? null : activity;
            }
        }

        return null;
    }
}
