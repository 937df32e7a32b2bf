using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Tests;

public class CalendarTests
{
    /// <summary>A contest's phases and other wall-clock times of a community become instants in its time zone.</summary>
    [Fact]
    public void A_wall_clock_time_is_read_in_the_community_time_zone_and_a_daylight_saving_gap_moves_it_forward()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.Community("berlin", c => c.TimeZone = "Europe/Berlin").Community("shanghai", c => c.TimeZone = "Asia/Shanghai"));
        using var provider = services.BuildServiceProvider();
        var calendar = provider.GetRequiredService<ICommunityCalendar>();
        var berlin = new CommunityId("berlin");
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.FromHours(1)), calendar.At(berlin, new DateTime(2026, 1, 10, 9, 0, 0)));
        Assert.Equal(new DateTimeOffset(2026, 7, 10, 9, 0, 0, TimeSpan.FromHours(2)), calendar.At(berlin, new DateTime(2026, 7, 10, 9, 0, 0, DateTimeKind.Utc))); // the kind is ignored
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)), calendar.At(berlin, new DateTime(2026, 3, 29, 2, 30, 0))); // 02:30 does not exist that night
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(8)), calendar.StartOf(new CommunityId("shanghai"), new DateOnly(2026, 3, 1)));
    }
}
