using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace CommunitySdk.Benchmarks;

/// <summary>The real peers: a loopback redis-server (started by eng/services.sh) and an in-memory SQLite.</summary>
internal static class Peers
{
    public static ConnectionMultiplexer Redis()
    {
        var endpoint = Environment.GetEnvironmentVariable("COMMUNITYSDK_REDIS")
            ?? throw new InvalidOperationException("COMMUNITYSDK_REDIS is not set: run the benchmarks through ./eng/bench.sh, which starts redis-server.");
        return ConnectionMultiplexer.Connect($"{endpoint},allowAdmin=true");
    }

    public static SqliteConnection Sqlite()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }

    public static void Execute(this SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
