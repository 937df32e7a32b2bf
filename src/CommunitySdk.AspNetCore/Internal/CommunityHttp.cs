using System.Text.Json;
using System.Text.Json.Serialization;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunitySdk.AspNetCore.Internal;

/// <summary>Per-request community and member, the JSON shape of SDK types, and typed errors as ProblemDetails.</summary>
internal static class CommunityHttp
{
    private static readonly object CommunityKey = new();
    private static readonly object MemberKey = new();

    /// <summary>Web defaults, ids as plain strings, enums by name. Used only for the SDK's own responses.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    public static CommunityId Community(HttpContext http) => (CommunityId)http.Items[CommunityKey]!;

    public static MemberId Me(HttpContext http) => (MemberId)http.Items[MemberKey]!;

    public static JsonHttpResult<T> Ok<T>(T value) => TypedResults.Json(value, Json);

    /// <summary>
    /// Resolves the route's community (and, for member routes, the signed-in member) before the handler, and
    /// turns the SDK's typed exceptions into ProblemDetails: validation 400 with the field, unknown member or
    /// badge 404, idempotency conflict 409, not enough points 422.
    /// </summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CommunityEndpointOptions options, bool needsMember)
    {
        var http = context.HttpContext;
        if (!CommunityId.TryCreate(http.Request.RouteValues["community"] as string, out var community))
        {
            return Validation("community", "is not a valid community id");
        }

        if (!options.CanAccessCommunity(http, community))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"The user may not use community '{community.Value}'.");
        }

        http.Items[CommunityKey] = community;
        if (needsMember)
        {
            if (options.MemberOf(http.User) is not { } member)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not a member", detail: "The signed-in user has no member id (see CommunityEndpointOptions.MemberOf).");
            }

            http.Items[MemberKey] = member;
        }

        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (CommunityException ex)
        {
            return Problem(ex);
        }
    }

    public static IResult Problem(CommunityException exception) => exception switch
    {
        BadgeNotFoundException e => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Badge not found", detail: e.Message, extensions: Field(e)),
        InsufficientPointsException e => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not enough points", detail: e.Message, extensions: Field(e)),
        CommunityValidationException e => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] }, detail: e.Message, title: "Invalid request"),
        MemberNotFoundException e => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Member not found", detail: e.Message),
        IdempotencyConflictException e => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key reused", detail: e.Message),
        MemberAlreadyJoinedException e => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already a member", detail: e.Message),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Rejected", detail: exception.Message),
    };

    public static ValidationProblem Validation(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, detail: $"{field} {reason}.", title: "Invalid request");

    private static Dictionary<string, object?> Field(CommunityValidationException e) => new() { ["field"] = e.Field, ["reason"] = e.Reason };

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new MemberIdConverter());
        options.Converters.Add(new CommunityIdConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class MemberIdConverter : JsonConverter<MemberId>
    {
        public override MemberId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, MemberId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    private sealed class CommunityIdConverter : JsonConverter<CommunityId>
    {
        public override CommunityId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, CommunityId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }
}
