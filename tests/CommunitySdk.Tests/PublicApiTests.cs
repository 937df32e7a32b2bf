using CommunitySdk.Testing;
using Snapshooter.Xunit;

namespace CommunitySdk.Tests;

/// <summary>
/// The public surface of the core packages as text, compared with the approved snapshot in
/// <c>__snapshots__</c>. An intended change: delete the snapshot, run the test, review the diff.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void Abstractions_public_api_is_unchanged() => Snapshot.Match(PublicApi.Describe(typeof(Activity).Assembly));

    [Fact]
    public void Core_public_api_is_unchanged() => Snapshot.Match(PublicApi.Describe(typeof(ICommunitySdkBuilder).Assembly));
}
