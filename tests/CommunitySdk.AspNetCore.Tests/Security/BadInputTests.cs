using System.Net;
using System.Net.Http.Json;
using System.Text;
using CommunitySdk.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.AspNetCore.Tests.Security;

/// <summary>Every bad input is a 4xx ProblemDetails naming the field, never a 500 or an empty body, and changes nothing.</summary>
public class BadInputTests
{
    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "{\"type\":", "body" },                                                             // not JSON
        { "[1,2,3]", "body" },                                                                // the wrong shape
        { "{\"type\":5,\"idempotencyKey\":\"k\"}", "type" },                                  // the wrong type
        { "{\"type\":\"review.rated\",\"idempotencyKey\":\"k\",\"value\":NaN}", "body" },      // not a JSON number
        { "{\"type\":\"review.rated\",\"idempotencyKey\":\"k\",\"value\":\"NaN\"}", "value" }, // a string for a number
        { "{\"type\":\"review.rated\",\"idempotencyKey\":\"k\",\"value\":1e400}", "value" },   // out of range
        { "{\"type\":\"post.created\",\"idempotencyKey\":\"k\",\"attributes\":{\"subject\":7}}", "attributes.subject" },
        { "{\"type\":\"post.created\"}", "idempotencyKey" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_malformed_body_is_a_400_naming_the_field(string body, string field)
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var before = await api.StateAsync();
        var problem = await SecurityHarness.ProblemAsync(await api.Client(Caller.MemberA).PostAsync($"{SecurityHarness.Base}/activities", Json(body)), HttpStatusCode.BadRequest, body);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await api.StateAsync());
    }

    [Theory]
    [InlineData("me/history?pageSize=abc", "pageSize")]
    [InlineData("me/history?pageSize=0", "pageSize")]
    [InlineData("me/history?beforeActivity=-1", "beforeActivity")]
    [InlineData("me/invitees?skip=-1", "skip")]
    [InlineData("me/invitees?take=9999999999", "take")]
    [InlineData("me/invite-tree?depth=99", "depth")]
    [InlineData("leaderboards/week?count=abc", "count")]
    [InlineData("me/rank?board=forever", "board")]
    public async Task A_bad_query_parameter_is_a_400_naming_it(string path, string field)
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var problem = await SecurityHarness.ProblemAsync(await api.Client(Caller.MemberA).GetAsync($"{SecurityHarness.Base}/{path}"), HttpStatusCode.BadRequest, path);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var before = await api.StateAsync();
        await SecurityHarness.ProblemAsync(await api.Client(Caller.MemberA).PostAsync($"{SecurityHarness.Base}/activities", new StringContent("type=post.created", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "text/plain");
        await SecurityHarness.ProblemAsync(await api.Client("ops", adminOf: "shop").PostAsync($"{SecurityHarness.Base}/admin/awards", new StringContent("x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "admin text/plain");
        Assert.Equal(before, await api.StateAsync());
    }

    [Fact]
    public async Task A_21_MB_body_is_refused_before_it_is_read()
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var before = await api.StateAsync();

        // 1.5 million attributes, announced with a Content-Length: refused on the header alone.
        var stream = new CountingStream(21 * 1024 * 1024);
        var declared = new StreamContent(stream);
        declared.Headers.ContentType = new("application/json");
        declared.Headers.ContentLength = stream.Length;
        var problem = await SecurityHarness.ProblemAsync(await api.Client(Caller.MemberA).PostAsync($"{SecurityHarness.Base}/activities", declared), HttpStatusCode.RequestEntityTooLarge, "21 MB with a length");
        Assert.Contains("65536", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The same body streamed without a length: reading stops past the limit, far short of 21 MB.
        var streamed = new CountingStream(21 * 1024 * 1024);
        var chunked = new StreamContent(streamed);
        chunked.Headers.ContentType = new("application/json");
        await SecurityHarness.ProblemAsync(await api.Client(Caller.MemberA).PostAsync($"{SecurityHarness.Base}/activities", chunked), HttpStatusCode.RequestEntityTooLarge, "21 MB streamed");
        Assert.True(streamed.Served < 2 * 1024 * 1024, $"{streamed.Served} bytes were read");
        Assert.Equal(before, await api.StateAsync());
    }

    [Fact]
    public async Task Attributes_a_feature_parses_are_typed_errors_through_the_service_and_refused_over_http()
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var community = api.Services.GetRequiredService<ICommunity>();
        var before = await api.StateAsync();
        foreach (var (name, value, field) in new[] { ("max_uses", "abc", "maxUses"), ("max_uses", "99999999999", "maxUses"), ("max_uses", "0", "maxUses"), ("expires_at", "garbage", "expiresAt"), ("expires_at", "2030-01-01", "expiresAt"), ("vanity", "yes", "vanity") })
        {
            var activity = new Activity
            {
                Community = Api.Shop,
                Member = new MemberId("ann"),
                Type = ReferralActivityTypes.CreateCode,
                IdempotencyKey = $"code-{name}-{value}",
                Attributes = new Dictionary<string, string> { ["code"] = "NEWCODE7", [name] = value },
            };
            var error = await Assert.ThrowsAsync<CommunityValidationException>(async () => await community.RecordAsync(activity));
            Assert.Equal(field, error.Field);

            // The same attack from a browser never reaches the feature: commands are not member activities.
            var response = await api.Client(Caller.MemberA).PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest(activity.Type, activity.IdempotencyKey, null, activity.Attributes));
            await SecurityHarness.ProblemAsync(response, HttpStatusCode.Forbidden, $"{name}={value}");
        }

        Assert.Equal(before, await api.StateAsync());
    }

    /// <summary>A JSON body of one huge attribute map, generated as it is read, counting what the server pulled.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        private static readonly byte[] Head = Encoding.UTF8.GetBytes("{\"type\":\"post.created\",\"idempotencyKey\":\"big\",\"attributes\":{");
        private long _position;

        public long Served => _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[offset + i] = at < Head.Length ? Head[at] : (byte)"\"a\":\"b\","[(int)((at - Head.Length) % 8)];
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
