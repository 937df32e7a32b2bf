namespace CommunitySdk.Abstractions.Tests;

public class ActivityValidationTests
{
    private static Activity Valid() => new()
    {
        IdempotencyKey = "order-1",
        Community = new CommunityId("shop"),
        Member = new MemberId("alice"),
        Type = "order.completed",
        Value = 12.5m,
        Attributes = new Dictionary<string, string> { ["city"] = "Beijing" },
    };

    public static TheoryData<string, Func<Activity, Activity>> BadFields() => new()
    {
        { "activity.idempotencyKey", a => Copy(a, key: "") },
        { "activity.idempotencyKey", a => Copy(a, key: new string('k', 201)) },
        { "activity.community", a => Copy(a, community: default(CommunityId)) },
        { "activity.member", a => Copy(a, member: default(MemberId)) },
        { "activity.type", a => Copy(a, type: "") },
        { "activity.type", a => Copy(a, type: "Order.Completed") },
        { "activity.type", a => Copy(a, type: "9lives") },
        { "activity.type", a => Copy(a, type: "order completed") },
        { "activity.type", a => Copy(a, type: new string('a', 65)) },
        { "activity.value", a => Copy(a, value: 1_000_000_000_000_001m) },
        { "activity.value", a => Copy(a, value: -1_000_000_000_000_001m) },
        { "activity.occurredAt", a => Copy(a, occurredAt: new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero)) },
        { "activity.attributes", a => Copy(a, attributes: Enumerable.Range(0, 17).ToDictionary(i => $"k{i}", i => "v")) },
        { "activity.attributes", a => Copy(a, attributes: new Dictionary<string, string> { ["City"] = "x" }) },
        { "activity.attributes[city]", a => Copy(a, attributes: new Dictionary<string, string> { ["city"] = new string('x', 257) }) },
        { "activity.attributes[city]", a => Copy(a, attributes: new Dictionary<string, string> { ["city"] = "a\u0007b" }) },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Each_bad_field_is_a_typed_error_naming_the_field(string field, Func<Activity, Activity> spoil)
    {
        var ex = Assert.Throws<CommunityValidationException>(() => spoil(Valid()).Validate());
        Assert.Equal(field, ex.Field);
        Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_activity_passes_at_the_limits()
    {
        var activity = Copy(
            Valid(),
            key: new string('k', 200),
            type: "a" + new string('b', 63),
            value: Activity.MaxAbsoluteValue,
            attributes: Enumerable.Range(0, 16).ToDictionary(i => $"k{i}", _ => new string('v', 256)));
        activity.Validate();
        Assert.Equal("v", activity.GetAttribute("k3")![..1]);
        Assert.Null(activity.GetAttribute("missing"));
    }

    private static Activity Copy(
        Activity a,
        string? key = null,
        CommunityId? community = null,
        MemberId? member = null,
        string? type = null,
        decimal? value = null,
        DateTimeOffset? occurredAt = null,
        Dictionary<string, string>? attributes = null) => new()
        {
            IdempotencyKey = key ?? a.IdempotencyKey,
            Community = community ?? a.Community,
            Member = member ?? a.Member,
            Type = type ?? a.Type,
            Value = value ?? a.Value,
            OccurredAt = occurredAt ?? a.OccurredAt,
            Attributes = attributes ?? a.Attributes,
        };
}
