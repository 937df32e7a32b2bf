using CommunitySdk.Storage;

[assembly: CommunitySdk.Testing.ConformanceSkip(typeof(CommunitySdk.Testing.StoreDurabilityConformance), "The in-memory store keeps nothing beyond the process by design; it is the store for tests, samples and previews.")]

namespace CommunitySdk.Tests;

public sealed class InMemoryLogConformance : Testing.StoreLogConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(new InMemoryCommunityStore());
}

public sealed class InMemorySessionConformance : Testing.StoreSessionConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(new InMemoryCommunityStore());
}

public sealed class InMemoryOutboxConformance : Testing.StoreOutboxConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(new InMemoryCommunityStore());
}

public sealed class InMemoryConcurrencyConformance : Testing.StoreConcurrencyConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(new InMemoryCommunityStore());
}

public sealed class InMemorySnapshotConformance : Testing.SnapshotConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(new InMemoryCommunityStore());
}

public sealed class InMemoryErasureConformance : Testing.ErasureConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(new InMemoryCommunityStore());
}

public sealed class InMemoryContestConformance : Testing.ContestConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(new InMemoryCommunityStore());
}

public sealed class InMemoryConformanceCompleteness
{
    [Fact]
    public void Every_conformance_suite_is_run_or_skipped_with_a_reason() =>
        Testing.ConformanceSuites.AssertComplete(typeof(InMemoryConformanceCompleteness).Assembly);

    [Fact]
    public void The_completeness_check_fails_for_an_assembly_that_runs_no_suite()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Testing.ConformanceSuites.AssertComplete(typeof(Testing.TestHost).Assembly));
        Assert.Contains("StoreLogConformance is neither run nor skipped", ex.Message, StringComparison.Ordinal);
    }
}
