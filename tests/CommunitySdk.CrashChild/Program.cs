// Records activities in a loop (four writers at once) on a durable store and prints "committed <key>" after each RecordAsync
// returns. The crash tests kill this process with SIGKILL at random points and then check the store. It also
// writes a projection snapshot every 100 activities in the background, so kills land while snapshots are saved.
// Usage: CommunitySdk.CrashChild <sqlite|postgres> <connection string> <community> <run>
// or:    CommunitySdk.CrashChild <sqlite|postgres> <connection string> <community> erase <member>
//        (prints "erasing", erases the member, prints "erased"; the erasure crash test kills it in between).
using System.Globalization;
using CommunitySdk;
using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;

var (provider, connectionString, communityId, run) = (args[0], args[1], new CommunityId(args[2]), args[3]);
var services = new ServiceCollection();
var builder = services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; o.Snapshots.EveryActivities = 100; })
    .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1));
switch (provider)
{
    case "sqlite":
        builder.UseSqlite(connectionString);
        break;
    case "postgres":
        builder.UsePostgreSql(connectionString);
        break;
    default:
        Console.Error.WriteLine($"unknown provider {provider}");
        return 2;
}

await using var sp = services.BuildServiceProvider();
if (run == "erase")
{
    var eraser = sp.GetRequiredService<IMemberEraser>();
    await sp.GetRequiredService<IProjectionSynchronizer>().EnsureCurrentAsync(communityId); // the fold first: the kill should land in the erasure
    Console.WriteLine("erasing");
    Console.Out.Flush();
    var erasure = await eraser.EraseAsync(communityId, new MemberId(args[4]), "crash test");
    Console.WriteLine($"erased {erasure.Erased}");
    Console.Out.Flush();
    return 0;
}

var community = sp.GetRequiredService<ICommunity>();
var points = sp.GetRequiredService<IPointsService>();
// Four writers at once, so the pipeline commits batches of several activities and kills land inside batch commits.
var output = new Lock();
await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
{
    var random = new Random(HashCode.Combine(run.GetHashCode(StringComparison.Ordinal), w));
    for (var i = 0; ; i++)
    {
        var member = new MemberId(string.Create(CultureInfo.InvariantCulture, $"m{random.Next(20)}"));
        var key = string.Create(CultureInfo.InvariantCulture, $"{run}-{w}-{i}");
        if (i % 5 == 4)
        {
            try
            {
                await points.SpendAsync(communityId, member, "coins", random.Next(1, 30), "voucher", key);
            }
            catch (CommunityValidationException)
            {
                continue; // not enough coins: nothing written
            }
        }
        else
        {
            await community.RecordAsync(new Activity { IdempotencyKey = key, Community = communityId, Member = member, Type = "order.completed", Value = random.Next(1, 50) });
        }

        lock (output)
        {
            Console.WriteLine($"committed {key}");
            Console.Out.Flush();
        }
    }
})));
return 0;
