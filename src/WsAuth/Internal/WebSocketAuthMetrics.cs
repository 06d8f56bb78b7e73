using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WsAuth.Internal;

/// <summary>
/// The <c>WsAuth</c> meter. Tags are low-cardinality values chosen by WsAuth (method names and reason codes, both
/// validated to a tiny alphabet): never a credential, a user name or an origin.
/// </summary>
internal sealed class WebSocketAuthMetrics
{
    public const string HandshakesName = "wsauth.handshakes";
    public const string DurationName = "wsauth.authentication.duration";
    public const string MethodTag = "wsauth.method";
    public const string OutcomeTag = "wsauth.outcome";
    public const string ReasonTag = "wsauth.reason";
    public const string NoMethod = "none";
    public const string SessionsClosedName = "wsauth.sessions.closed";
    public const string SessionsRefreshedName = "wsauth.sessions.refreshed";
    public const string PendingName = "wsauth.first_message.pending";
    public const string RevocationsName = "wsauth.revocations";
    public const string RevocationBackplaneFailuresName = "wsauth.revocation.backplane.failures";
    public const string RevocationCurrentName = "wsauth.revocation.current";
    public const string RevocationSessionsName = "wsauth.revocation.sessions";
    public const string KindTag = "wsauth.revocation.kind";
    public const string OperationTag = "wsauth.operation";
    public const string SessionsActiveName = "wsauth.sessions.active";
    public const string SessionDurationName = "wsauth.session.duration";
    public const string SessionRefreshesName = "wsauth.session.refreshes";
    public const string FirstMessageDurationName = "wsauth.first_message.duration";
    public const string EndReasonTag = "wsauth.session.end_reason";

    private readonly Counter<long> _handshakes;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _sessionsClosed;
    private readonly Counter<long> _sessionsRefreshed;
    private readonly UpDownCounter<long> _pending;
    private readonly UpDownCounter<long> _sessionsActive;
    private readonly Histogram<double> _sessionDuration;
    private readonly Counter<long> _sessionRefreshes;
    private readonly Histogram<double> _firstMessageDuration;
    private readonly Meter _meter;
    private Counter<long>? _revocations;
    private Counter<long>? _backplaneFailures;

    public WebSocketAuthMetrics(IMeterFactory meterFactory)
    {
        var meter = _meter = meterFactory.Create(WebSocketAuthDefaults.MeterName);
        _handshakes = meter.CreateCounter<long>(
            HandshakesName,
            unit: "{handshake}",
            description: "WebSocket handshakes seen by WsAuth, by method and outcome (and reason when rejected).");
        _duration = meter.CreateHistogram<double>(
            DurationName,
            unit: "s",
            description: "Time WsAuth spent checking a WebSocket handshake (origin, authenticators, policies).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _sessionsClosed = meter.CreateCounter<long>(
            SessionsClosedName,
            unit: "{session}",
            description: "Authenticated WebSocket sessions WsAuth closed (expiry, rejected refresh...), by reason.");
        _sessionsRefreshed = meter.CreateCounter<long>(
            SessionsRefreshedName,
            unit: "{refresh}",
            description: "Successful in-band refreshes of WebSocket sessions.");
        _pending = meter.CreateUpDownCounter<long>(
            PendingName,
            unit: "{socket}",
            description: "Accepted sockets waiting for their first message.");
        _sessionsActive = meter.CreateUpDownCounter<long>(
            SessionsActiveName,
            unit: "{session}",
            description: "Authenticated WebSockets open now (accepted by the endpoint, or by WsAuth for a first message), by method.");
        _sessionDuration = meter.CreateHistogram<double>(
            SessionDurationName,
            unit: "s",
            description: "How long authenticated WebSockets stayed open, by method and how they ended.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400] });
        _sessionRefreshes = meter.CreateCounter<long>(
            SessionRefreshesName,
            unit: "{refresh}",
            description: "In-band refresh messages WsAuth handled, by method and outcome (and reason when rejected).");
        _firstMessageDuration = meter.CreateHistogram<double>(
            FirstMessageDurationName,
            unit: "s",
            description: "Time from the upgrade to the first message's verdict, by outcome (and reason when rejected).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public void Authenticated(string method, long startTimestamp, TimeProvider time)
    {
        var tags = new TagList { { MethodTag, method }, { OutcomeTag, "authenticated" } };
        _handshakes.Add(1, tags);
        _duration.Record(time.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }

    public void Rejected(string? method, string reason, long startTimestamp, TimeProvider time)
    {
        var tags = new TagList { { MethodTag, method ?? NoMethod }, { OutcomeTag, "rejected" }, { ReasonTag, reason } };
        _handshakes.Add(1, tags);
        _duration.Record(time.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }

    public void SessionClosed(string reason) => _sessionsClosed.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));

    public void PendingChanged(int delta) => _pending.Add(delta);

    /// <summary>Creates the revocation instruments; called once, by the revocation service, when revocation is on.</summary>
    public void ObserveRevocation(WebSocketRevocationService revocation)
    {
        _revocations = _meter.CreateCounter<long>(
            RevocationsName,
            unit: "{request}",
            description: "Revocations and disconnect requests made through this instance, by kind.");
        _backplaneFailures = _meter.CreateCounter<long>(
            RevocationBackplaneFailuresName,
            unit: "{failure}",
            description: "Failures of the revocation backplane (subscription lost, load or publish failed), by operation.");
        _meter.CreateObservableGauge(
            RevocationCurrentName,
            () => revocation.IsCurrent ? 1 : 0,
            unit: "{state}",
            description: "1 while this instance's revocation state is known current (backplane subscribed and loaded), else 0.");
        _meter.CreateObservableUpDownCounter(
            RevocationSessionsName,
            () => (long)revocation.Registry.Count,
            unit: "{session}",
            description: "Live WebSocket sessions in this instance's revocation registry.");
    }

    public void RevocationRequested(WebSocketRevocationKind kind)
        => _revocations?.Add(1, new KeyValuePair<string, object?>(KindTag, WebSocketRevocationService.KindName(kind)));

    public void BackplaneFailed(string operation)
        => _backplaneFailures?.Add(1, new KeyValuePair<string, object?>(OperationTag, operation));

    /// <summary>An authenticated socket was accepted: returns the timestamp <see cref="SessionEnded"/> measures from.</summary>
    public long SessionStarted(string method, TimeProvider time)
    {
        _sessionsActive.Add(1, new KeyValuePair<string, object?>(MethodTag, method));
        return time.GetTimestamp();
    }

    public void SessionEnded(string method, long startTimestamp, TimeProvider time, string endReason)
    {
        _sessionsActive.Add(-1, new KeyValuePair<string, object?>(MethodTag, method));
        _sessionDuration.Record(
            time.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>(MethodTag, method),
            new KeyValuePair<string, object?>(EndReasonTag, endReason));
    }

    public void RefreshSucceeded(string method)
    {
        _sessionsRefreshed.Add(1);
        _sessionRefreshes.Add(1, new KeyValuePair<string, object?>(MethodTag, method), new KeyValuePair<string, object?>(OutcomeTag, "refreshed"));
    }

    public void RefreshRejected(string method, string reason)
        => _sessionRefreshes.Add(
            1,
            new KeyValuePair<string, object?>(MethodTag, method),
            new KeyValuePair<string, object?>(OutcomeTag, "rejected"),
            new KeyValuePair<string, object?>(ReasonTag, reason));

    /// <summary>The first message's verdict (<paramref name="reason"/> null when it authenticated), timed from the upgrade.</summary>
    public void FirstMessageCompleted(long startTimestamp, TimeProvider time, string outcome, string? reason)
    {
        var tags = new TagList { { OutcomeTag, outcome } };
        if (reason is not null)
        {
            tags.Add(ReasonTag, reason);
        }

        _firstMessageDuration.Record(time.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }
}
