using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Internal;

/// <summary>Who may call an endpoint group.</summary>
internal enum EndpointAccess
{
    /// <summary>A signed-in member of the community (the <c>/me</c> routes, leaderboards).</summary>
    Member,

    /// <summary>A user who passes the admin policy and administers the community.</summary>
    Admin,
}

/// <summary>
/// Per-request community and member, safe reading of bodies and query strings, the JSON shape of SDK types, and every
/// refusal as ProblemDetails (never an empty body, never a 500 for bad input).
/// </summary>
internal static class CommunityHttp
{
    private static readonly object CommunityKey = new();
    private static readonly object MemberKey = new();

    /// <summary>Web defaults, ids as plain strings, enums by name, Chinese and other text unescaped. Used only for the SDK's own bodies.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    public static CommunityId Community(HttpContext http) => (CommunityId)http.Items[CommunityKey]!;

    public static MemberId Me(HttpContext http) => (MemberId)http.Items[MemberKey]!;

    /// <summary>The signed-in admin's member id, for admin commands recorded as the operator's activity (403 without one).</summary>
    public static MemberId Operator(HttpContext http) => http.Items[MemberKey] is MemberId member
        ? member
        : throw new HttpProblemException(StatusCodes.Status403Forbidden, "Not a member", "The signed-in admin has no member id to record the decision under (see CommunityEndpointOptions.MemberOf).");

    public static JsonHttpResult<T> Ok<T>(T value) => TypedResults.Json(value, Json);

    /// <summary>A required body field, or <see cref="CommunityValidationException"/> naming it.</summary>
    public static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new CommunityValidationException(field, "is required") : value;

    /// <summary>How responses name another member: their display name, or "Former member" when the directory no longer knows them.</summary>
    public static async ValueTask<string> NameAsync(IMemberDirectory directory, CommunityId community, MemberId member, CancellationToken cancellationToken) =>
        (await directory.GetAsync(community, member, cancellationToken).ConfigureAwait(false))?.DisplayName ?? "Former member";

    /// <summary>
    /// The most preferred culture of the request's <c>Accept-Language</c> (by quality, the first 10 entries) that .NET
    /// knows, or <see langword="null"/>. Used when the host has no request localization of its own.
    /// </summary>
    internal static CultureInfo? RequestedCulture(HttpContext http)
    {
        var languages = http.Request.GetTypedHeaders().AcceptLanguage;
        foreach (var language in languages.Take(10).OrderByDescending(l => l.Quality ?? 1))
        {
            if (language.Value.Value is { Length: > 0 and <= 85 } name && name != "*" && (language.Quality ?? 1) > 0)
            {
                try
                {
                    return CultureInfo.GetCultureInfo(name, predefinedOnly: true);
                }
                catch (CultureNotFoundException)
                {
                    // Not a culture .NET knows: try the next one.
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Runs before every handler: authorizes (401/403), resolves the route's community (404 when unknown, 403 when the
    /// user may not use it) and the signed-in member, and turns the SDK's typed exceptions into ProblemDetails.
    /// </summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, EndpointAccess access)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<CommunityEndpointOptions>>().Value;
        try
        {
            if (access == EndpointAccess.Admin && options.AdminPolicy is null)
            {
                // Admin endpoints exist only once the host names the policy that guards them.
                return Problem(StatusCodes.Status404NotFound, "Not found", "Admin endpoints are off (CommunityEndpointOptions.AdminPolicy is not set).");
            }

            if (await AuthorizeAsync(http, access == EndpointAccess.Admin ? options.AdminPolicy : options.MemberPolicy).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            if (!CommunityId.TryCreate(http.Request.RouteValues["community"] as string, out var community)
                || !await http.RequestServices.GetRequiredService<ICommunityResolver>().ExistsAsync(community, http.RequestAborted).ConfigureAwait(false))
            {
                return Problem(StatusCodes.Status404NotFound, "Community not found", "No such community.");
            }

            if (!options.CanAccessCommunity(http, community))
            {
                return Problem(StatusCodes.Status403Forbidden, "Forbidden", $"The user may not use community '{community.Value}'.");
            }

            http.Items[CommunityKey] = community;
            if (access == EndpointAccess.Admin)
            {
                if (!options.CanAdministerCommunity(http, community))
                {
                    return Problem(StatusCodes.Status403Forbidden, "Forbidden", $"The user does not administer community '{community.Value}'.");
                }

                if (options.MemberOf(http.User) is { } operatorId)
                {
                    http.Items[MemberKey] = operatorId; // admin commands that name their operator record it (Operator)
                }
            }
            else
            {
                if (options.MemberOf(http.User) is not { } member)
                {
                    return Problem(StatusCodes.Status403Forbidden, "Not a member", "The signed-in user has no member id (see CommunityEndpointOptions.MemberOf).");
                }

                http.Items[MemberKey] = member;
            }

            if (http.Features.Get<IRequestCultureFeature>() is null && RequestedCulture(http) is { } culture)
            {
                // No request localization in the host: names of badges, tiers and currencies follow Accept-Language.
                CultureInfo.CurrentUICulture = culture;
            }

            return await next(context).ConfigureAwait(false);
        }
        catch (CommunityException ex)
        {
            return Problem(ex);
        }
        catch (HttpProblemException ex)
        {
            return Problem(ex.StatusCode, ex.Title, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            // The server's own limits (body size, malformed request) reached while reading.
            return Problem(ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Bad request", ex.Message);
        }
    }

    /// <summary>Evaluates a policy the way the authorization middleware does; a refusal is a ProblemDetails result.</summary>
    private static async ValueTask<IResult?> AuthorizeAsync(HttpContext http, string? policyName)
    {
        var services = http.RequestServices;
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = policyName is null
            ? await provider.GetDefaultPolicyAsync().ConfigureAwait(false)
            : await provider.GetPolicyAsync(policyName).ConfigureAwait(false)
              ?? throw new InvalidOperationException($"The authorization policy '{policyName}' named in CommunityEndpointOptions is not registered (AddAuthorization(o => o.AddPolicy(\"{policyName}\", ...))).");
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, http).ConfigureAwait(false);
        var result = await evaluator.AuthorizeAsync(policy, authentication, http, http).ConfigureAwait(false);
        return result.Succeeded ? null
            : result.Challenged ? Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "Sign in to use this endpoint.")
            : Problem(StatusCodes.Status403Forbidden, "Forbidden", "The user is not allowed to use this endpoint.");
    }

    /// <summary>
    /// Reads a JSON body of at most <see cref="CommunityEndpointOptions.MaxRequestBodySize"/> bytes: a larger one is
    /// refused (413) before or while it is read, never buffered whole; a body that is not JSON is 415; JSON of the wrong
    /// shape is 400 naming the field.
    /// </summary>
    public static async ValueTask<T> ReadBodyAsync<T>(HttpContext http)
        where T : class
    {
        var request = http.Request;
        var limit = http.RequestServices.GetRequiredService<IOptions<CommunityEndpointOptions>>().Value.MaxRequestBodySize;
        if (!request.HasJsonContentType())
        {
            throw new HttpProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "The body must be JSON (Content-Type: application/json).");
        }

        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && (size.MaxRequestBodySize is null || size.MaxRequestBodySize > limit))
        {
            size.MaxRequestBodySize = limit;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), http.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(limit);
            }
        }

        if (buffer.WrittenCount == 0)
        {
            throw new CommunityValidationException("body", "is required");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, Json) ?? throw new CommunityValidationException("body", "is required");
        }
        catch (JsonException ex) when (ex.InnerException is JsonException syntax)
        {
            // The reader's own error: the text is not JSON at all.
            throw new CommunityValidationException("body", $"is not valid JSON (line {syntax.LineNumber + 1}, byte {syntax.BytePositionInLine})");
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "body";
            throw new CommunityValidationException(field, ex.Path is { Length: > 2 } ? "has the wrong type or format" : "is not JSON of the expected shape");
        }
    }

    /// <summary>An optional whole-number query parameter in range; anything else is a 400 naming it.</summary>
    public static int? QueryInt32(HttpContext http, string name, int min, int max)
    {
        var text = http.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CommunityValidationException(name, string.Create(CultureInfo.InvariantCulture, $"must be a whole number between {min} and {max}"));
        }

        return (int)value;
    }

    /// <summary>An optional positive 64-bit query parameter.</summary>
    public static long? QueryInt64(HttpContext http, string name)
    {
        var text = http.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new CommunityValidationException(name, "must be a positive whole number");
    }

    /// <summary>An optional text query parameter (empty means absent).</summary>
    public static string? QueryString(HttpContext http, string name) =>
        http.Request.Query[name].ToString() is { Length: > 0 } text ? text : null;

    /// <summary>A member id from the route or a body; a bad one is a 400 naming <paramref name="field"/>.</summary>
    public static MemberId MemberFrom(string? text, string field) =>
        MemberId.TryCreate(text, out var member) ? member : throw new CommunityValidationException(field, "must be a member id (non-empty, at most 128 characters, no control characters)");

    public static IResult Problem(CommunityException exception) => exception switch
    {
        BadgeNotFoundException e => Problem(StatusCodes.Status404NotFound, "Badge not found", e.Message, Field(e)),
        CommunitySdk.Contests.ContestNotFoundException e => Problem(StatusCodes.Status404NotFound, e.Entry is null ? "Contest not found" : "Entry not found", e.Message, Field(e)),
        InsufficientPointsException e => Problem(StatusCodes.Status422UnprocessableEntity, "Not enough points", e.Message, Field(e)),
        CommunityValidationException e => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] }, detail: e.Message, title: "Invalid request"),
        UnknownCommunityException => Problem(StatusCodes.Status404NotFound, "Community not found", "No such community."),
        ProjectionFaultedException e => Problem(StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", e.Message),
        CommunityStoreUnavailableException e => new RetryAfter(Problem(StatusCodes.Status503ServiceUnavailable, "Store unavailable", e.Message), Seconds: 1),
        CommunityLimitExceededException e => Problem(StatusCodes.Status422UnprocessableEntity, "Limit reached", e.Message, new Dictionary<string, object?> { ["limit"] = e.Limit, ["maximum"] = e.Maximum }),
        MemberNotFoundException e => Problem(StatusCodes.Status404NotFound, "Member not found", e.Message),
        IdempotencyConflictException e => Problem(StatusCodes.Status409Conflict, "Idempotency key reused", e.Message),
        MemberAlreadyJoinedException e => Problem(StatusCodes.Status409Conflict, "Already a member", e.Message),
        _ => Problem(StatusCodes.Status400BadRequest, "Rejected", exception.Message),
    };

    public static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    public static ValidationProblem Validation(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, detail: $"{field} {reason}.", title: "Invalid request");

    private static HttpProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request too large", string.Create(CultureInfo.InvariantCulture, $"The body must be at most {limit} bytes (CommunityEndpointOptions.MaxRequestBodySize)."));

    private static Dictionary<string, object?> Field(CommunityValidationException e) => new() { ["field"] = e.Field, ["reason"] = e.Reason };

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Readable Chinese (and any other script) in responses; HTML-sensitive characters stay escaped.
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new MemberIdConverter());
        options.Converters.Add(new CommunityIdConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class MemberIdConverter : JsonConverter<MemberId>
    {
        public override MemberId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            MemberId.TryCreate(reader.TokenType == JsonTokenType.String ? reader.GetString() : null, out var member) ? member : throw new JsonException("Not a member id.");

        public override void Write(Utf8JsonWriter writer, MemberId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    private sealed class CommunityIdConverter : JsonConverter<CommunityId>
    {
        public override CommunityId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            CommunityId.TryCreate(reader.TokenType == JsonTokenType.String ? reader.GetString() : null, out var community) ? community : throw new JsonException("Not a community id.");

        public override void Write(Utf8JsonWriter writer, CommunityId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    /// <summary>A result with a <c>Retry-After</c> header (a transient failure: the client retries with the same key).</summary>
    private sealed record RetryAfter(IResult Inner, int Seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Seconds.ToString(CultureInfo.InvariantCulture);
            return Inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>A refusal with an HTTP status of its own (413, 415, 429), turned into ProblemDetails by the filter.</summary>
internal sealed class HttpProblemException(int statusCode, string title, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;

    public string Title { get; } = title;
}
