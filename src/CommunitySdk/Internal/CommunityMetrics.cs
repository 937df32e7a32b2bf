using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommunitySdk.Internal;

/// <summary>The SDK's instruments. Uses the host's <see cref="IMeterFactory"/> when registered.</summary>
internal sealed class CommunityMetrics : IDisposable
{
    public static readonly ActivitySource Source = new(CommunityDiagnostics.ActivitySourceName, typeof(CommunityMetrics).Assembly.GetName().Version?.ToString());

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public CommunityMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(CommunityDiagnostics.MeterName) ?? new Meter(CommunityDiagnostics.MeterName);
        Recorded = _meter.CreateCounter<long>(CommunityDiagnostics.ActivitiesRecorded, "{activity}", "Activities recorded");
        Duplicates = _meter.CreateCounter<long>(CommunityDiagnostics.ActivitiesDuplicate, "{activity}", "Retried idempotency keys answered with the first outcome");
        Failed = _meter.CreateCounter<long>(CommunityDiagnostics.ActivitiesFailed, "{activity}", "Activities rejected or failed");
        Duration = _meter.CreateHistogram<double>(CommunityDiagnostics.RecordDuration, "ms", "Time to record an activity");
    }

    public Counter<long> Recorded { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> Failed { get; }

    public Histogram<double> Duration { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
