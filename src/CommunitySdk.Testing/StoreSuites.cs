using CommunitySdk.Storage;
using Xunit;

namespace CommunitySdk.Testing;

/// <summary>The log: what is committed reads back exactly, in order, per community, by key and by member.</summary>
[ConformanceSuite]
public abstract class StoreLogConformance : StoreConformanceBase
{
    /// <summary>Round trip of every field, events included.</summary>
    [Fact]
    public async Task Committed_activities_read_back_exactly()
    {
        var c = Community();
        var first = Make(c, 1);
        var second = Make(c, 2, member: "bob");
        await CommitAsync(first, second);
        var log = await ReadAllAsync(Store, c);
        Assert.Equal(2, log.Count);
        AssertSame(first, log[0]);
        AssertSame(second, log[1]);
        AssertSame(second, await Store.FindAsync(c, "k2"));
        Assert.Equal(2, await Store.GetLastActivityIdAsync(c));
        var award = Assert.IsType<Points.PointsAwarded>(log[0].Events[1]);
        Assert.Equal((12m, "coins", 1L, 1), (award.Amount, award.Currency, award.ActivityId, award.Index));
    }

    /// <summary>Tenants are walls: ids, keys and logs are per community.</summary>
    [Fact]
    public async Task Communities_do_not_see_each_other()
    {
        var a = Community("a");
        var b = Community("b");
        await CommitAsync(Make(a, 1), Make(a, 2), Make(b, 1));
        Assert.Equal(2, await Store.GetLastActivityIdAsync(a));
        Assert.Equal(1, await Store.GetLastActivityIdAsync(b));
        Assert.Null(await Store.FindAsync(b, "k2"));
        Assert.Equal(0, await Store.GetLastActivityIdAsync(Community("empty")));
        Assert.Single(await ReadAllAsync(Store, b));
    }

    /// <summary>Ids have no gaps and a key commits once; a refused commit writes nothing.</summary>
    [Fact]
    public async Task Ids_follow_one_another_and_a_key_commits_once()
    {
        var c = Community();
        await CommitAsync(Make(c, 1));
        var session = await Store.BeginWriteAsync(c);
        await using (session)
        {
            Assert.Equal(1, session.LastActivityId);
            await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync(Make(c, 3)).AsTask());
            await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync(Make(c, 2, key: "k1")).AsTask());
        }

        Assert.Single(await ReadAllAsync(Store, c));
        Assert.Equal(1, await Store.GetLastActivityIdAsync(c));
    }

    /// <summary>Reading after an id, across the provider's chunking.</summary>
    [Fact]
    public async Task The_log_reads_in_order_after_any_id()
    {
        var c = Community();
        var session = await Store.BeginWriteAsync(c);
        await using (session)
        {
            await session.CommitManyAsync(Enumerable.Range(1, 2500).Select(i => Make(c, i, member: $"m{i % 7}")).ToArray());
        }

        var all = await ReadAllAsync(Store, c);
        Assert.Equal(Enumerable.Range(1, 2500).Select(i => (long)i), all.Select(a => a.ActivityId));
        var tail = await ReadAllAsync(Store, c, after: 1999);
        Assert.Equal(2000, tail[0].ActivityId);
        Assert.Equal(501, tail.Count);
    }

    /// <summary>A member's history pages newest first with a cursor.</summary>
    [Fact]
    public async Task Member_history_pages_newest_first()
    {
        var c = Community();
        await CommitAsync(Enumerable.Range(1, 12).Select(i => Make(c, i, member: i % 3 == 0 ? "bob" : "ann")).ToArray());
        var page = await Store.GetMemberActivitiesAsync(c, new MemberId("bob"), new ActivityPageRequest(PageSize: 3));
        Assert.Equal([12L, 9, 6], page.Items.Select(i => i.ActivityId));
        Assert.NotNull(page.Next);
        var next = await Store.GetMemberActivitiesAsync(c, new MemberId("bob"), page.Next);
        Assert.Equal([3L], next.Items.Select(i => i.ActivityId));
        Assert.Null(next.Next);
        Assert.Empty((await Store.GetMemberActivitiesAsync(c, new MemberId("nobody"), new ActivityPageRequest())).Items);
    }
}

/// <summary>Write sessions: one writer per community, atomic commits, nothing written on failure.</summary>
[ConformanceSuite]
public abstract class StoreSessionConformance : StoreConformanceBase
{
    /// <summary>A second writer of the same community waits until the first is done.</summary>
    [Fact]
    public async Task One_writer_per_community()
    {
        var c = Community();
        var first = await Store.BeginWriteAsync(c);
        var second = Store.BeginWriteAsync(c).AsTask();
        await Task.Delay(300);
        Assert.False(second.IsCompleted);
        await first.CommitAsync(Make(c, 1));
        await first.DisposeAsync();
        var session = await second.WaitAsync(TimeSpan.FromSeconds(30));
        await using (session)
        {
            Assert.Equal(1, session.LastActivityId);
            Assert.NotNull(await session.FindAsync("k1"));
        }
    }

    /// <summary>Waiting for the writer can be cancelled.</summary>
    [Fact]
    public async Task Waiting_for_the_writer_can_be_cancelled()
    {
        var c = Community();
        await using var first = await Store.BeginWriteAsync(c);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.BeginWriteAsync(c, cts.Token).AsTask());
    }

    /// <summary>A session disposed without a commit leaves nothing behind, and the next writer starts at the same id.</summary>
    [Fact]
    public async Task Dispose_without_commit_writes_nothing()
    {
        var c = Community();
        await (await Store.BeginWriteAsync(c)).DisposeAsync();
        Assert.Equal(0, await Store.GetLastActivityIdAsync(c));
        await CommitAsync(Make(c, 1));
        Assert.Single(await ReadAllAsync(Store, c));
    }

    /// <summary>A batch commits all or nothing.</summary>
    [Fact]
    public async Task A_batch_commits_all_or_nothing()
    {
        var c = Community();
        await CommitAsync(Make(c, 1));
        var session = await Store.BeginWriteAsync(c);
        await using (session)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => session.CommitManyAsync([Make(c, 2), Make(c, 3, key: "k1")]).AsTask());
        }

        Assert.Equal(1, await Store.GetLastActivityIdAsync(c));
        Assert.Null(await Store.FindAsync(c, "k2"));
        var left = Assert.Single(await Store.GetPendingOutboxAsync(100, DateTimeOffset.MaxValue), e => e.Community == c);
        Assert.Equal(1, left.ActivityId);
    }

    /// <summary>Writers of different communities proceed side by side and every commit lands.</summary>
    [Fact]
    public async Task Concurrent_commits_to_different_communities_all_land()
    {
        var communities = Enumerable.Range(0, 4).Select(i => Community($"p{i}")).ToArray();
        await Task.WhenAll(communities.Select(c => Task.Run(async () =>
        {
            for (var i = 1; i <= 50; i++)
            {
                await CommitAsync(Make(c, i));
            }
        })));
        foreach (var c in communities)
        {
            Assert.Equal(50, await Store.GetLastActivityIdAsync(c));
        }
    }
}

/// <summary>
/// The outbox: each committed activity's events wait, read from its log entry, until marked delivered; a failed attempt
/// records the handlers' acknowledgements, when to try again and whether to give up (dead letter); dead letters come
/// back when requeued.
/// </summary>
[ConformanceSuite]
public abstract class StoreOutboxConformance : StoreConformanceBase
{
    /// <summary>Pending in commit order, one entry per activity with its events; delivered entries go.</summary>
    [Fact]
    public async Task Events_wait_in_order_until_delivered()
    {
        var c = Community();
        await CommitAsync(Make(c, 1), Make(c, 2));
        var pending = (await Store.GetPendingOutboxAsync(100, Now)).Where(e => e.Community == c).ToArray();
        Assert.Equal([1L, 2], pending.Select(e => e.ActivityId));
        Assert.Equal(["MemberJoined", "PointsAwarded"], pending[0].Events.Select(e => e.GetType().Name));
        Assert.Equal(Serializer.SerializeEvent(Make(c, 2).Events[0]), Serializer.SerializeEvent(Assert.Single(pending[1].Events)));
        Assert.All(pending, e => Assert.Equal((0, 0, null), (e.Attempts, e.Acknowledged.Count, e.LastError)));
        Assert.Single(await Store.GetPendingOutboxAsync(1, Now)); // at most max

        await Store.MarkDeliveredAsync([pending[1].Key]);
        var left = Assert.Single((await Store.GetPendingOutboxAsync(100, Now)).Where(e => e.Community == c));
        Assert.Equal(1, left.ActivityId);
    }

    /// <summary>A failure keeps the acknowledgements and the error; the entry is due again only at its next attempt.</summary>
    [Fact]
    public async Task A_failed_attempt_waits_for_its_next_attempt_with_its_acknowledgements()
    {
        var c = Community();
        await CommitAsync(Make(c, 1));
        var entry = Assert.Single((await Store.GetPendingOutboxAsync(100, Now)).Where(e => e.Community == c));
        string[] acknowledged = [OutboxEntry.AcknowledgementKey(0, "Shop.Mailer"), OutboxEntry.AcknowledgementKey(1, "Shop.Mailer")];
        await Store.MarkFailedAsync([new OutboxFailure(entry.Key, acknowledged, Now.AddMinutes(1), DeadLetter: false, "Shop.Crm: timeout")]);

        Assert.DoesNotContain(await Store.GetPendingOutboxAsync(100, Now.AddSeconds(59)), e => e.Community == c);
        var again = Assert.Single((await Store.GetPendingOutboxAsync(100, Now.AddMinutes(1))).Where(e => e.Community == c));
        Assert.Equal(1, again.Attempts);
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), again.Acknowledged.Order(StringComparer.Ordinal));
        Assert.Equal("Shop.Crm: timeout", again.LastError);

        await Store.MarkFailedAsync([new OutboxFailure(entry.Key, acknowledged, Now.AddMinutes(3), DeadLetter: false, "again")]);
        Assert.Equal(2, Assert.Single((await Store.GetPendingOutboxAsync(100, Now.AddDays(1))).Where(e => e.Community == c)).Attempts);
    }

    /// <summary>A dead letter leaves the pending set, is listed with its error, and is pending again after a requeue.</summary>
    [Fact]
    public async Task Dead_letters_leave_the_pending_set_until_requeued()
    {
        var c = Community();
        await CommitAsync(Make(c, 1), Make(c, 2));
        var first = (await Store.GetPendingOutboxAsync(100, Now)).First(e => e.Community == c);
        await Store.MarkFailedAsync([new OutboxFailure(first.Key, [], Now, DeadLetter: true, "Shop.Crm: 500")]);

        Assert.Equal([2L], (await Store.GetPendingOutboxAsync(100, DateTimeOffset.MaxValue)).Where(e => e.Community == c).Select(e => e.ActivityId));
        var dead = Assert.Single((await Store.GetDeadLettersAsync(100)).Where(e => e.Community == c));
        Assert.Equal((1L, 1, "Shop.Crm: 500"), (dead.ActivityId, dead.Attempts, dead.LastError));
        Assert.Equal(["MemberJoined", "PointsAwarded"], dead.Events.Select(e => e.GetType().Name));

        Assert.Equal(0, await Store.RequeueDeadLettersAsync([new OutboxKey(c, 2)])); // not dead: nothing to requeue
        Assert.Equal(1, await Store.RequeueDeadLettersAsync([first.Key]));
        Assert.DoesNotContain(await Store.GetDeadLettersAsync(100), e => e.Community == c);
        var requeued = (await Store.GetPendingOutboxAsync(100, Now)).Where(e => e.Community == c).ToArray();
        Assert.Equal([1L, 2], requeued.Select(e => e.ActivityId));
        Assert.Equal(0, requeued[0].Attempts);
    }
}
