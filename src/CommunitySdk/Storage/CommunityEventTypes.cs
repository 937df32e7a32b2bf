using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Storage;

/// <summary>
/// A <see cref="CommunityEvent"/> type a durable store may persist, under a stable name. Features register
/// theirs (<c>points.awarded</c>, ...); a host that emits its own events registers them with
/// <see cref="CommunitySdkBuilderExtensions.AddEventType{TEvent}(ICommunitySdkBuilder, string)"/>.
/// The name, not the CLR type name, is stored, so types can be renamed or moved freely.
/// </summary>
/// <param name="Type">The event type.</param>
/// <param name="Name">The stable name.</param>
public sealed record CommunityEventType(Type Type, string Name);

/// <summary>
/// Turns committed activities and events into JSON and back, for durable stores. Events are written with a
/// <c>$type</c> discriminator holding their registered name.
/// </summary>
public sealed class CommunityEventSerializer
{
    private static readonly JsonSerializerOptions PlainOptions = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>The member of the activity whose events are being written compactly (its events omit it).</summary>
    [ThreadStatic]
    private static MemberId t_activityMember;

    private readonly JsonSerializerOptions _options;
    private readonly JsonSerializerOptions _compact;
    private readonly Dictionary<Type, string> _names;

    /// <summary>Creates the serializer over the registered event types.</summary>
    /// <param name="types">The registered event types.</param>
    /// <exception cref="ArgumentException">Two types share a name, or a type is not a concrete <see cref="CommunityEvent"/>.</exception>
    public CommunityEventSerializer(IEnumerable<CommunityEventType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var list = types.DistinctBy(t => t.Type).ToArray();
        foreach (var t in list)
        {
            if (!typeof(CommunityEvent).IsAssignableFrom(t.Type) || t.Type.IsAbstract)
            {
                throw new ArgumentException($"{t.Type} is not a concrete CommunityEvent.", nameof(types));
            }
        }

        if (list.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw new ArgumentException($"Event name '{clash.Key}' is registered for {string.Join(" and ", clash.Select(c => c.Type))}.", nameof(types));
        }

        _names = list.ToDictionary(t => t.Type, t => t.Name);
        Action<JsonTypeInfo> polymorphism = info =>
        {
            if (info.Type != typeof(CommunityEvent) && !(typeof(CommunityEvent).IsAssignableFrom(info.Type) && info.Type.IsAbstract))
            {
                return;
            }

            info.PolymorphismOptions = new JsonPolymorphismOptions
            {
                TypeDiscriminatorPropertyName = "$type",
                UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            };
            foreach (var t in list.Where(t => info.Type.IsAssignableFrom(t.Type)))
            {
                info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(t.Type, t.Name));
            }
        };

        // The SDK's own events use source-generated metadata (no reflection on the write path or in the fold); a
        // host's own event types fall back to reflection.
        static IJsonTypeInfoResolver Metadata() => JsonTypeInfoResolver.Combine(CommunityEventJsonContext.Default, new DefaultJsonTypeInfoResolver());
        _options = Options(Metadata().WithAddedModifier(polymorphism), JsonIgnoreCondition.Never);

        // The log's format: an event leaves out what its activity row says (community, activity id, index, time, and
        // its member when it is the activity's) and null fields. Reading restores them; rows written in full still read.
        var compact = Metadata().WithAddedModifier(polymorphism).WithAddedModifier(static info =>
        {
            if (!typeof(CommunityEvent).IsAssignableFrom(info.Type) || info.Kind != JsonTypeInfoKind.Object)
            {
                return;
            }

            foreach (var property in info.Properties)
            {
                if (property.DeclaringType != typeof(CommunityEvent))
                {
                    continue;
                }

                switch (property.Name)
                {
                    case nameof(CommunityEvent.Community) or nameof(CommunityEvent.ActivityId) or nameof(CommunityEvent.Index) or nameof(CommunityEvent.OccurredAt):
                        property.ShouldSerialize = static (_, _) => false;
                        break;
                    case nameof(CommunityEvent.Member):
                        property.ShouldSerialize = static (_, value) => value is not MemberId member || member != t_activityMember;
                        property.IsRequired = false;
                        break;
                }
            }
        });
        _compact = Options(compact, JsonIgnoreCondition.WhenWritingNull);
    }

    private static JsonSerializerOptions Options(IJsonTypeInfoResolver resolver, JsonIgnoreCondition ignore) => new(JsonSerializerDefaults.General)
    {
        TypeInfoResolver = resolver,
        Converters = { new CommunityIdConverter(), new MemberIdConverter() },
        AllowOutOfOrderMetadataProperties = true,
        DefaultIgnoreCondition = ignore,
    };

    /// <summary>Serializes the events of one activity.</summary>
    /// <param name="events">The events.</param>
    /// <returns>A JSON array.</returns>
    /// <exception cref="InvalidOperationException">An event's type is not registered.</exception>
    public string SerializeEvents(IReadOnlyList<CommunityEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            RequireRegistered(e);
        }

        return JsonSerializer.Serialize(events, _options);
    }

    /// <summary>Serializes one event.</summary>
    /// <param name="communityEvent">The event.</param>
    /// <returns>A JSON object.</returns>
    /// <exception cref="InvalidOperationException">The event's type is not registered.</exception>
    public string SerializeEvent(CommunityEvent communityEvent)
    {
        ArgumentNullException.ThrowIfNull(communityEvent);
        RequireRegistered(communityEvent);
        return JsonSerializer.Serialize(communityEvent, _options);
    }

    /// <summary>Reads the events of one activity written by <see cref="SerializeEvents"/>.</summary>
    /// <param name="json">A JSON array written by <see cref="SerializeEvents"/>.</param>
    /// <returns>The events.</returns>
    public IReadOnlyList<CommunityEvent> DeserializeEvents(string json) =>
        JsonSerializer.Deserialize<CommunityEvent[]>(json, _options) ?? [];

    /// <summary>
    /// Reads the events of a stored activity (the <see cref="ActivityRecord.Events"/> column, compact or written in
    /// full by an earlier version) and restores what the compact form leaves to the activity.
    /// </summary>
    /// <param name="json">The stored events.</param>
    /// <param name="community">The activity's community.</param>
    /// <param name="activityId">The activity's id.</param>
    /// <param name="member">The activity's member.</param>
    /// <param name="effectiveTime">The activity's effective time (when it occurred, or else when it was recorded).</param>
    /// <returns>The events, as they were committed.</returns>
    public IReadOnlyList<CommunityEvent> DeserializeStoredEvents(string json, CommunityId community, long activityId, MemberId member, DateTimeOffset effectiveTime)
    {
        var events = JsonSerializer.Deserialize<CommunityEvent[]>(json, _compact) ?? [];
        for (var i = 0; i < events.Length; i++)
        {
            events[i].Restamp(community, activityId, i, effectiveTime, member);
        }

        return events;
    }

    /// <summary>Reads one event.</summary>
    /// <param name="json">A JSON object written by <see cref="SerializeEvent"/>.</param>
    /// <returns>The event.</returns>
    public CommunityEvent DeserializeEvent(string json) =>
        JsonSerializer.Deserialize<CommunityEvent>(json, _options) ?? throw new JsonException("Expected an event, found null.");

    /// <summary>Serializes activity attributes.</summary>
    /// <param name="attributes">The attributes.</param>
    /// <returns>A JSON object.</returns>
    public static string SerializeAttributes(IReadOnlyDictionary<string, string> attributes) => JsonSerializer.Serialize(attributes, PlainOptions);

    /// <summary>Reads activity attributes.</summary>
    /// <param name="json">A JSON object.</param>
    /// <returns>The attributes, sorted by name.</returns>
    public static IReadOnlyDictionary<string, string> DeserializeAttributes(string json)
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, string>>(json, PlainOptions) ?? [];
        return map.Count == 0 ? new Dictionary<string, string>() : new SortedDictionary<string, string>(map, StringComparer.Ordinal).AsReadOnly();
    }

    /// <summary>The row a durable store writes for a committed activity.</summary>
    /// <param name="committed">The activity.</param>
    /// <returns>The row.</returns>
    /// <exception cref="InvalidOperationException">An event's type is not registered.</exception>
    public ActivityRecord ToRecord(CommittedActivity committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var a = committed.Activity;
        return new ActivityRecord(
            a.Community.Value,
            committed.ActivityId,
            a.IdempotencyKey,
            a.Member.Value,
            a.Type,
            a.OccurredAt?.ToString("O", CultureInfo.InvariantCulture),
            a.Value?.ToString(CultureInfo.InvariantCulture),
            SerializeAttributes(a.Attributes),
            committed.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
            committed.Fingerprint,
            SerializeStoredEvents(committed.Events, a.Member));
    }

    /// <summary>The log's compact form of an activity's events (see <see cref="DeserializeStoredEvents"/>).</summary>
    private string SerializeStoredEvents(IReadOnlyList<CommunityEvent> events, MemberId member)
    {
        foreach (var e in events)
        {
            RequireRegistered(e);
        }

        t_activityMember = member;
        try
        {
            return JsonSerializer.Serialize(events, _compact);
        }
        finally
        {
            t_activityMember = default;
        }
    }

    /// <summary>The committed activity a durable store reads back from its row.</summary>
    /// <param name="record">The row.</param>
    /// <returns>The activity.</returns>
    public CommittedActivity FromRecord(ActivityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var activity = new Activity
        {
            IdempotencyKey = record.IdempotencyKey,
            Community = new CommunityId(record.Community),
            Member = new MemberId(record.Member),
            Type = record.Type,
            OccurredAt = record.OccurredAt is null ? null : DateTimeOffset.Parse(record.OccurredAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            Value = record.Value is null ? null : decimal.Parse(record.Value, NumberStyles.Number, CultureInfo.InvariantCulture),
            Attributes = DeserializeAttributes(record.Attributes),
        };
        var recordedAt = DateTimeOffset.Parse(record.RecordedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        return new CommittedActivity(
            record.ActivityId,
            activity,
            recordedAt,
            record.Fingerprint,
            DeserializeStoredEvents(record.Events, activity.Community, record.ActivityId, activity.Member, activity.OccurredAt ?? recordedAt));
    }

    private void RequireRegistered(CommunityEvent e)
    {
        if (!_names.ContainsKey(e.GetType()))
        {
            throw new InvalidOperationException(
                $"Event type {e.GetType()} is not registered for storage; call builder.AddEventType<{e.GetType().Name}>(\"a.stable.name\").");
        }
    }

    private sealed class CommunityIdConverter : JsonConverter<CommunityId>
    {
        public override CommunityId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { Length: > 0 } s ? new CommunityId(s) : default;

        public override void Write(Utf8JsonWriter writer, CommunityId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    private sealed class MemberIdConverter : JsonConverter<MemberId>
    {
        public override MemberId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { Length: > 0 } s ? new MemberId(s) : default;

        public override void Write(Utf8JsonWriter writer, MemberId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }
}

/// <summary>
/// A committed activity as text columns, the shape durable stores persist (one row per activity). Times are
/// ISO 8601 with their offset, the value an invariant decimal, attributes and events JSON.
/// </summary>
/// <param name="Community">The community id.</param>
/// <param name="ActivityId">The activity id.</param>
/// <param name="IdempotencyKey">The idempotency key.</param>
/// <param name="Member">The member id.</param>
/// <param name="Type">The activity type.</param>
/// <param name="OccurredAt">When it happened, if the host said.</param>
/// <param name="Value">The value, if any.</param>
/// <param name="Attributes">The attributes (JSON object).</param>
/// <param name="RecordedAt">When it was recorded.</param>
/// <param name="Fingerprint">The fingerprint that detects a reused key with different content.</param>
/// <param name="Events">The events (JSON array).</param>
public sealed record ActivityRecord(
    string Community,
    long ActivityId,
    string IdempotencyKey,
    string Member,
    string Type,
    string? OccurredAt,
    string? Value,
    string Attributes,
    string RecordedAt,
    string Fingerprint,
    string Events);
