using System.Globalization;
using CommunitySdk.Points;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CommunitySdk.Testing;

/// <summary>
/// What every suite shares: a fresh store per test (from <see cref="CreateStoreAsync"/>), the SDK's event
/// serializer, and helpers that build committed activities carrying real SDK events.
/// </summary>
public abstract class StoreConformanceBase : IAsyncLifetime
{
    private ICommunityStore? _store;

    /// <summary>A serializer that knows every event type of the core and of every SDK feature.</summary>
    public static CommunityEventSerializer Serializer { get; } = CreateSerializer();

    /// <summary>The store under test (fresh and empty for each test).</summary>
    protected ICommunityStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>The time the helpers stamp on activities.</summary>
    protected static DateTimeOffset Now { get; } = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Creates a new, empty store that uses <see cref="Serializer"/> (or one with the same registrations).</summary>
    /// <returns>The store.</returns>
    protected abstract ValueTask<ICommunityStore> CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>A community id unique to the calling test.</summary>
    /// <param name="name">A readable part.</param>
    /// <returns>The id.</returns>
    protected static CommunityId Community(string name = "c") => new($"{name}-{Guid.NewGuid():N}");

    /// <summary>A committed activity with an awarded-points event and, for the first one, a join event.</summary>
    /// <param name="community">The community.</param>
    /// <param name="id">The activity id.</param>
    /// <param name="member">The member.</param>
    /// <param name="key">The idempotency key (default <c>k{id}</c>).</param>
    /// <returns>The activity.</returns>
    protected static CommittedActivity Make(CommunityId community, long id, string member = "ann", string? key = null)
    {
        var occurred = new DateTimeOffset(2026, 3, 2, 17, 30, 0, TimeSpan.FromHours(8)).AddMinutes(id);
        var activity = new Activity
        {
            IdempotencyKey = key ?? string.Create(CultureInfo.InvariantCulture, $"k{id}"),
            Community = community,
            Member = new MemberId(member),
            Type = "order.completed",
            OccurredAt = occurred,
            Value = 12.345m + id,
            Attributes = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["city"] = "Wuhan", ["sku"] = "tea-42" }.AsReadOnly(),
        };
        var events = new List<CommunityEvent>();
        if (id == 1)
        {
            events.Add(new MemberJoined { Member = activity.Member, Profile = new Dictionary<string, string> { ["city"] = "Wuhan" }, Implicit = true });
        }

        events.Add(new PointsAwarded
        {
            Member = activity.Member,
            Currency = "coins",
            Amount = 12,
            Reason = "order",
            SourceKey = activity.IdempotencyKey,
            CapUses = [new CapUse("coins:day", new DateOnly(2026, 3, 2), 12)],
            ExpiresAt = occurred.AddDays(365),
        });
        var stamped = events.Select((e, i) => e with { Community = community, ActivityId = id, Index = i, OccurredAt = occurred }).ToArray();
        return new CommittedActivity(id, activity, Now.AddSeconds(id), string.Create(CultureInfo.InvariantCulture, $"fp{id}"), stamped);
    }

    /// <summary>Commits activities in one session each.</summary>
    /// <param name="activities">The activities.</param>
    /// <returns>A task.</returns>
    protected async Task CommitAsync(params CommittedActivity[] activities)
    {
        foreach (var activity in activities)
        {
            var session = await Store.BeginWriteAsync(activity.Activity.Community).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                await session.CommitAsync(activity).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Asserts two activities are the same, field by field (through their stored form).</summary>
    /// <param name="expected">Expected.</param>
    /// <param name="actual">Actual.</param>
    protected static void AssertSame(CommittedActivity expected, CommittedActivity? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(Serializer.ToRecord(expected), Serializer.ToRecord(actual));
        Assert.Equal(expected.Activity.OccurredAt!.Value.Offset, actual.Activity.OccurredAt!.Value.Offset);
        Assert.Equal(expected.Events.Select(e => e.GetType()), actual.Events.Select(e => e.GetType()));
    }

    /// <summary>Reads a whole community log.</summary>
    /// <param name="store">The store.</param>
    /// <param name="community">The community.</param>
    /// <param name="after">Only after this id.</param>
    /// <returns>The log.</returns>
    protected static async Task<List<CommittedActivity>> ReadAllAsync(ICommunityStore store, CommunityId community, long after = 0)
    {
        ArgumentNullException.ThrowIfNull(store);
        var list = new List<CommittedActivity>();
        await foreach (var item in store.ReadLogAsync(community, after).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    private static CommunityEventSerializer CreateSerializer()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true).AddEveryFeature();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<CommunityEventSerializer>();
    }
}
