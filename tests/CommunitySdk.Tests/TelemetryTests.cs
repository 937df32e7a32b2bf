using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

public class TelemetryTests
{
    [Fact]
    public async Task Meter_counts_recorded_duplicate_and_failed_activities_and_times_them()
    {
        await using var host = TestHost.Create(o => o.AddReactor<ThrowingReactor>());
        var meter = host.Get<Internal.CommunityMetrics>();
        var totals = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CommunityDiagnostics.MeterName && ReferenceEquals(instrument.Meter, meter.Recorded.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => totals.AddOrUpdate(i.Name, v, (_, t) => t + v));
        listener.SetMeasurementEventCallback<double>((i, _, _, _) => totals.AddOrUpdate(i.Name, 1, (_, t) => t + 1));
        listener.Start();

        await host.Community.RecordAsync(Make("k1"));
        await host.Community.RecordAsync(Make("k1"));
        await host.Community.RecordAsync(Make("k2"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Community.RecordAsync(Make("k3", type: "boom")).AsTask());
        await Assert.ThrowsAsync<CommunityValidationException>(() => host.Community.RecordAsync(Make("", type: "x")).AsTask());

        Assert.Equal(2, totals[CommunityDiagnostics.ActivitiesRecorded]);
        Assert.Equal(1, totals[CommunityDiagnostics.ActivitiesDuplicate]);
        Assert.Equal(2, totals[CommunityDiagnostics.ActivitiesFailed]);
        Assert.Equal(5, totals[CommunityDiagnostics.RecordDuration]);
    }
}
