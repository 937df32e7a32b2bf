using CommunitySdk.Shop.Services;

namespace CommunitySdk.Shop;

/// <summary>The shop's community activities: each with an idempotency key derived from the shop's own ids.</summary>
public static class Activities
{
    public static Activity Order(CommunityId community, MemberId member, Order order) => new()
    {
        Community = community,
        Member = member,
        Type = "order.completed",
        IdempotencyKey = order.Key,
        Value = order.Product.Price,
        Attributes = new Dictionary<string, string> { ["product"] = order.Product.Id },
    };

    public static Activity Post(CommunityId community, MemberId member, string postId) => new()
    {
        Community = community,
        Member = member,
        Type = "post.created",
        IdempotencyKey = $"post:{postId}",
    };

    public static Activity CheckIn(CommunityId community, MemberId member, Meetup meetup) => new()
    {
        Community = community,
        Member = member,
        Type = "meetup.attended",
        IdempotencyKey = $"meetup:{meetup.Id}:{member.Value}",
        Attributes = new Dictionary<string, string> { ["event"] = meetup.Id, [ProfileKeys.City] = meetup.City },
    };
}
