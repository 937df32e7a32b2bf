using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CommunitySdk.Benchmarks;

// Usage:
//   dotnet run -c Release --project benchmarks/CommunitySdk.Benchmarks -- --filter '*'   full run (reports in BenchmarkDotNet.Artifacts)
//   dotnet run -c Release --project benchmarks/CommunitySdk.Benchmarks -- --smoke        one iteration of everything, small data (CI)
//   ./eng/bench.sh --scale 100000 1000000    state at scale: the whole activity, memory, fold and restart (Scale/ScaleHarness.cs)
//   ./eng/bench.sh --load 8                  the durable write path under load beside raw inserts (Load/LoadHarness.cs)
//   ./eng/bench.sh --tiers 1000000 100       tier-window state per member with the Discourse preset (Tiers/TierMemoryHarness.cs)
//   ./eng/bench.sh --contests 1000000 100000 2000000   contest votes at scale, alone and as whole activities (Contests/ContestHarness.cs)
if (args.Length > 0 && args[0] == "--scale")
{
    return await CommunitySdk.Benchmarks.Scale.ScaleHarness.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--load")
{
    return await CommunitySdk.Benchmarks.Load.LoadHarness.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--contests")
{
    return await CommunitySdk.Benchmarks.Contests.ContestHarness.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--tiers")
{
    return CommunitySdk.Benchmarks.Tiers.TierMemoryHarness.Run(args[1..]);
}

var smoke = args.Contains("--smoke");
var rest = args.Where(a => a != "--smoke").ToArray();

IConfig config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Full); // the default config already exports GitHub markdown
if (smoke)
{
    BenchmarkSettings.Smoke = true;
    config = config
        .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);
    if (rest.Length == 0)
    {
        rest = ["--filter", "*"];
    }
}

else if (!rest.Contains("--job") && !rest.Contains("-j"))
{
    // The committed report: 3 warm-ups and 10 measured iterations per case, one process per case.
    config = config.AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkSettings).Assembly).Run(rest, config).ToArray();
var failed = summaries.Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)).Select(s => s.Title).ToArray();
if (failed.Length > 0)
{
    Console.Error.WriteLine($"Benchmarks failed: {string.Join(", ", failed)}");
    return 1;
}

Console.WriteLine($"benchmarks: {summaries.Sum(s => s.Reports.Length)} run");
return 0;
