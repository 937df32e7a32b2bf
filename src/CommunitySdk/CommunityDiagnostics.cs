namespace CommunitySdk;

/// <summary>
/// Names of the SDK's telemetry. With OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddMeter(CommunityDiagnostics.MeterName))</c>
/// and <c>.WithTracing(t =&gt; t.AddSource(CommunityDiagnostics.ActivitySourceName))</c>.
/// </summary>
public static class CommunityDiagnostics
{
    /// <summary>The meter: <c>CommunitySdk</c>.</summary>
    public const string MeterName = "CommunitySdk";

    /// <summary>The activity source for traces: <c>CommunitySdk</c>.</summary>
    public const string ActivitySourceName = "CommunitySdk";

    /// <summary>Counter of activities recorded (committed), tagged with <c>activity.type</c>.</summary>
    public const string ActivitiesRecorded = "communitysdk.activities.recorded";

    /// <summary>Counter of retried idempotency keys answered with the first outcome.</summary>
    public const string ActivitiesDuplicate = "communitysdk.activities.duplicates";

    /// <summary>Counter of activities rejected or failed, tagged with <c>error.type</c>.</summary>
    public const string ActivitiesFailed = "communitysdk.activities.failed";

    /// <summary>Histogram of the time to record an activity, in milliseconds.</summary>
    public const string RecordDuration = "communitysdk.activity.duration";
}
