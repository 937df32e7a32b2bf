namespace CommunitySdk.Benchmarks;

/// <summary>The live heap after two blocking, compacting full collections: what the memory harnesses compare.</summary>
internal static class HeapMeter
{
    public static long Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
