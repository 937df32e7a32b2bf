namespace CommunitySdk.Benchmarks;

/// <summary>Switches shared by the benchmarks. In smoke mode (CI) data sets are small and runs are in-process.</summary>
public static class BenchmarkSettings
{
    /// <summary>Whether this is a one-iteration smoke run.</summary>
    public static bool Smoke { get; set; }

    /// <summary>Picks the smoke size or the real size.</summary>
    public static int Size(int real, int smoke = 1_000) => Smoke ? Math.Min(real, smoke) : real;
}
