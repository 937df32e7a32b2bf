using System.Collections.Concurrent;

namespace CommunitySdk.Shop.Services;

/// <summary>A product on sale.</summary>
public sealed record Product(string Id, string Name, decimal Price);

/// <summary>A meetup members can check in to.</summary>
public sealed record Meetup(string Id, string Title, string City, DateOnly Date);

/// <summary>The shop's products and meetups (fixed for the demo).</summary>
public sealed class Catalog
{
    public IReadOnlyList<Product> Products { get; } =
    [
        new("tea", "Oolong tea, 100 g", 12),
        new("mug", "Stoneware mug", 24),
        new("kettle", "Copper kettle", 89),
        new("set", "Tasting set", 45),
    ];

    public IReadOnlyList<Meetup> Meetups { get; } =
    [
        new("berlin-tasting", "Tea tasting", "Berlin", new DateOnly(2026, 12, 5)),
        new("lisbon-brew", "Brewing workshop", "Lisbon", new DateOnly(2026, 12, 12)),
        new("shanghai-market", "Market walk", "Shanghai", new DateOnly(2026, 12, 19)),
    ];

    public IReadOnlyList<string> Cities { get; } = ["Berlin", "Lisbon", "Shanghai"];

    public Product? Find(string id) => Products.FirstOrDefault(p => p.Id == id);
}

/// <summary>An order of the shop. The idempotency key of its community activity is <see cref="Key"/>.</summary>
public sealed record Order(string Id, MemberId Member, Product Product, DateTimeOffset At)
{
    public string Key => $"order:{Id}";

    public bool Refunded { get; set; }
}

/// <summary>The shop's orders. In memory: a real shop has its own database; the community log is in SQLite.</summary>
public sealed class OrderBook
{
    private readonly ConcurrentDictionary<string, Order> _orders = new(StringComparer.Ordinal);

    public Order Add(MemberId member, Product product, DateTimeOffset at)
    {
        var order = new Order(Guid.NewGuid().ToString("N")[..12], member, product, at);
        _orders[order.Id] = order;
        return order;
    }

    public Order? Find(string id) => _orders.GetValueOrDefault(id);

    public IReadOnlyList<Order> Of(MemberId member) => _orders.Values.Where(o => o.Member == member).OrderByDescending(o => o.At).ToList();
}
