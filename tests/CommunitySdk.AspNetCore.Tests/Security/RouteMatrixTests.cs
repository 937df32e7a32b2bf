using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunitySdk.AspNetCore.Tests.Security;

/// <summary>
/// Every route the SDK maps, found from the app's endpoint data source (a route added later is covered without
/// touching this test), called by every kind of caller: the expected status, a ProblemDetails body for every
/// refusal, and state unchanged by every refusal and by every GET.
/// </summary>
public class RouteMatrixTests
{
    private sealed record Route(string Method, string Pattern)
    {
        public bool IsAdmin => Pattern.Contains("/admin/", StringComparison.Ordinal);

        public string Url(string community) => Pattern
            .Replace("{community}", community, StringComparison.Ordinal)
            .Replace("{member}", "ann", StringComparison.Ordinal)
            .Replace("{invitee}", "bob", StringComparison.Ordinal)
            .Replace("{board}", "week", StringComparison.Ordinal)
            .Replace("{contest}", "ideas", StringComparison.Ordinal)
            .Replace("{entry}", "1", StringComparison.Ordinal);

        public HttpRequestMessage Request(string community) => new(new HttpMethod(Method), Url(community))
        {
            Content = Method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
        };

        public override string ToString() => $"{Method} {Pattern}";
    }

    private static List<Route> Routes(Api api) =>
        ((IEndpointRouteBuilder)api.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/community/{community}", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => new Route(m, e.RoutePattern.RawText!)))
            .ToList();

    [Fact]
    public async Task Every_route_is_mapped_once_and_covers_members_and_admins()
    {
        await using var api = await Api.StartAsync();
        var routes = Routes(api);
        Assert.Equal(routes.Count, routes.Distinct().Count());
        Assert.True(routes.Count(r => r.IsAdmin) >= 7, string.Join("\n", routes));
        Assert.True(routes.Count(r => !r.IsAdmin) >= 13, string.Join("\n", routes));
        Assert.Equal(5, routes.Count(r => r.IsAdmin && r.Pattern.Contains("/contests/", StringComparison.Ordinal)));
        Assert.Equal(11, routes.Count(r => !r.IsAdmin && r.Pattern.Contains("/contests", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Refused_callers_get_problem_details_and_change_nothing()
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var before = await api.StateAsync();
        foreach (var route in Routes(api))
        {
            foreach (var caller in SecurityHarness.Callers)
            {
                HttpStatusCode? expected = (caller, route.IsAdmin) switch
                {
                    (Caller.Anonymous, _) => HttpStatusCode.Unauthorized,
                    (_, true) => HttpStatusCode.Forbidden, // members are not admins; the other community's admin is not this one's
                    _ => null,                            // members may use member routes (checked below)
                };
                if (expected is { } status)
                {
                    await SecurityHarness.ProblemAsync(await api.Client(caller).SendAsync(route.Request("shop")), status, $"{caller} {route}");
                }
            }

            // A community nobody declared does not exist, for members and for its would-be admins alike.
            var unknown = route.IsAdmin ? api.Client("ops", adminOf: "nope") : api.Client(Caller.MemberA);
            await SecurityHarness.ProblemAsync(await unknown.SendAsync(route.Request("nope")), HttpStatusCode.NotFound, $"unknown community {route}");
        }

        Assert.Equal(before, await api.StateAsync());
    }

    [Fact]
    public async Task Members_may_call_member_routes_and_no_get_writes()
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var before = await api.StateAsync();
        foreach (var route in Routes(api).Where(r => !r.IsAdmin && r.Method == "GET"))
        {
            foreach (var caller in new[] { Caller.MemberA, Caller.MemberB })
            {
                var response = await api.Client(caller).SendAsync(route.Request("shop"));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{caller} {route}: {(int)response.StatusCode} {body}");
                Assert.NotEmpty(body);
            }
        }

        Assert.Equal(before, await api.StateAsync()); // GET never writes (me/invite-code included)
        foreach (var route in Routes(api).Where(r => !r.IsAdmin && r.Method != "GET"))
        {
            var response = await api.Client(Caller.MemberB).SendAsync(route.Request("shop"));
            Assert.True((int)response.StatusCode < 500 && response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{route}: {(int)response.StatusCode}");
            Assert.NotEmpty(await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_admin_of_this_community_may_use_the_admin_routes()
    {
        await using var api = await SecurityHarness.StartShopAsync();
        foreach (var route in Routes(api).Where(r => r.IsAdmin))
        {
            var response = await api.Client("ops", adminOf: "shop").SendAsync(route.Request("shop"));
            Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound) && (int)response.StatusCode < 500, $"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
