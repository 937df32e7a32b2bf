using Snapshooter.Xunit;

namespace CommunitySdk.Points.Tests;

/// <summary>The public surface of the points package, against the approved snapshot in <c>__snapshots__</c>.</summary>
public class PublicApiTests
{
    [Fact]
    public void Points_public_api_is_unchanged() => Snapshot.Match(Testing.PublicApi.Describe(typeof(PointsOptions).Assembly));
}
