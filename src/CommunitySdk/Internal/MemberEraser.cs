using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommunitySdk.Projections;
using CommunitySdk.Storage;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// Erases a member: under the community's write session (and with the process's projections and snapshots held still),
/// reads the log, rewrites every entry that mentions the member (their id becomes a random tombstone; their profile,
/// device fingerprints and free-text attributes are dropped), and hands the rewrite and the <see cref="MemberErased"/>
/// record to the store in one transaction. The live projections of the community are dropped and fold the rewritten
/// log on their next use; other processes refold when their catch-up meets the erasure.
/// </summary>
internal sealed class MemberEraser(
    ICommunityStore store,
    ProjectionCoordinator projections,
    CommunityEventSerializer serializer,
    IOptionsMonitor<CommunityOptions> options,
    TimeProvider time) : IMemberEraser
{
    /// <summary>The longest reason.</summary>
    internal const int MaxReasonLength = 200;

    public async ValueTask<MemberErasure> EraseAsync(CommunityId community, MemberId member, string reason, CancellationToken cancellationToken = default)
    {
        if (member.IsEmpty)
        {
            throw new CommunityValidationException("member", "is required");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            throw new CommunityValidationException("reason", $"must be 1 to {MaxReasonLength} characters");
        }

        return await UnderRewriteSessionAsync(projections, store, community, "erase members", async (session, erasing, states) =>
        {
            var rewriter = new Rewriter(serializer, member, NewTombstone(), options.CurrentValue.Privacy.FreeTextAttributes);
            var rewritten = new List<CommittedActivity>();
            await foreach (var committed in store.ReadLogAsync(community, 0, cancellationToken).ConfigureAwait(false))
            {
                if (committed.ActivityId > session.LastActivityId)
                {
                    break;
                }

                if (rewriter.Mentions(committed))
                {
                    rewritten.Add(rewriter.Rewrite(committed));
                }
            }

            if (rewritten.Count == 0)
            {
                return new MemberErasure(false, null, session.LastActivityId, 0);
            }

            var id = session.LastActivityId + 1;
            var now = time.GetUtcNow();
            var activity = new Activity
            {
                Community = community,
                Member = rewriter.Tombstone,
                Type = CommunityActivityTypes.Erase,
                IdempotencyKey = $"erase:{rewriter.Tombstone.Value}",
                Attributes = new Dictionary<string, string>(StringComparer.Ordinal) { [CommunityActivityTypes.ReasonAttribute] = reason },
            };
            var erased = new MemberErased { Member = rewriter.Tombstone, Reason = reason, ActivitiesRewritten = rewritten.Count };
            erased.Restamp(community, id, 0, now, rewriter.Tombstone);
            var erasure = new CommittedActivity(id, activity, now, ActivityFingerprint.Compute(activity), [erased]);
            await erasing.EraseAsync(new MemberErasureWrite(member, rewriter.Tombstone, rewritten, erasure), cancellationToken).ConfigureAwait(false);
            projections.Invalidate(states); // this process folds the rewritten log on next use
            return new MemberErasure(true, rewriter.Tombstone, id, rewritten.Count);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a log rewrite of a community under its write session, with this process's projections and snapshots held
    /// still (the erasure and retention share it).
    /// </summary>
    internal static async ValueTask<T> UnderRewriteSessionAsync<T>(
        ProjectionCoordinator projections,
        ICommunityStore store,
        CommunityId community,
        string purpose,
        Func<ICommunityWriteSession, ICommunityRewriteSession, CommunityStates, ValueTask<T>> work,
        CancellationToken cancellationToken)
    {
        var states = await projections.LoadAsync(community, cancellationToken).ConfigureAwait(false);
        await states.Snapshotting.WaitAsync(cancellationToken).ConfigureAwait(false); // no snapshot of the old state is saved after the rewrite
        try
        {
            await states.Gate.WaitAsync(cancellationToken).ConfigureAwait(false); // no write of this process folds meanwhile
            try
            {
                var session = await store.BeginWriteAsync(community, cancellationToken).ConfigureAwait(false);
                await using (session.ConfigureAwait(false))
                {
                    return session is ICommunityRewriteSession rewriting
                        ? await work(session, rewriting, states).ConfigureAwait(false)
                        : throw new NotSupportedException($"The store {store.GetType().Name} cannot rewrite its log, so it cannot {purpose} (its write session does not implement ICommunityRewriteSession).");
                }
            }
            finally
            {
                states.Gate.Release();
            }
        }
        finally
        {
            states.Snapshotting.Release();
        }
    }

    /// <summary>A random id with nothing of the member's in it.</summary>
    private static MemberId NewTombstone() => new("erased-" + RandomNumberGenerator.GetHexString(32, lowercase: true));

    /// <summary>Finds and rewrites the log entries that mention one member.</summary>
    internal sealed class Rewriter(CommunityEventSerializer serializer, MemberId member, MemberId tombstone, ICollection<string> freeText)
    {
        /// <summary>The id as a JSON string value.</summary>
        private readonly string _quoted = JsonSerializer.Serialize(member.Value);

        /// <summary>The id as a whole token: itself, or inside a key such as <c>order:{id}:1</c>.</summary>
        private readonly Regex _inKey = new($"(?<![A-Za-z0-9_.@+-]){Regex.Escape(member.Value)}(?![A-Za-z0-9_.@+-])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public MemberId Tombstone => tombstone;

        /// <summary>
        /// Whether an entry mentions the member: it is theirs, an event is about them, or an attribute or event field
        /// holds exactly their id. (Keys made with the id are looked for only in their own entries, so a short id such as
        /// <c>order</c> never touches another member's keys.)
        /// </summary>
        public bool Mentions(CommittedActivity committed)
        {
            var a = committed.Activity;
            if (a.Member == member || a.Attributes.Values.Any(v => v == member.Value))
            {
                return true;
            }

            foreach (var e in committed.Events)
            {
                if (e.Member == member)
                {
                    return true;
                }
            }

            return committed.Events.Count > 0 && serializer.SerializeEvents(committed.Events).Contains(_quoted, StringComparison.Ordinal);
        }

        public CommittedActivity Rewrite(CommittedActivity committed)
        {
            var a = committed.Activity;
            var own = a.Member == member;

            // In the member's own entries the id goes wherever it is a token (their keys, a reversal's source key); in
            // other members' entries only where a value is exactly the id.
            string Swap(string text) => own ? _inKey.Replace(text, tombstone.Value) : text == member.Value ? tombstone.Value : text;
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in a.Attributes)
            {
                if (own && IsPersonal(name))
                {
                    continue;
                }

                attributes[name] = Swap(value);
            }

            var activity = ActivityCopy.With(a, attributes, own ? tombstone : a.Member, Swap(a.IdempotencyKey));

            // The member's profile goes; every other mention of the id (an inviter, a target, a map key) becomes the tombstone.
            var events = committed.Events.Select(e => e switch
            {
                MemberJoined joined when joined.Member == member => joined with { Profile = new Dictionary<string, string>() },
                MemberProfileUpdated updated when updated.Member == member => updated with { Changes = new Dictionary<string, string>() },
                _ => e,
            }).ToArray();
            var json = JsonNode.Parse(serializer.SerializeEvents(events))!;
            Replace(json, Swap);
            if (own)
            {
                DropFreeText(json); // what the member wrote (an entry's title and text) goes from their events as from their attributes
            }
            return new CommittedActivity(committed.ActivityId, activity, committed.RecordedAt, ActivityFingerprint.Compute(activity), serializer.DeserializeEvents(json.ToJsonString()));
        }

        private bool IsPersonal(string attribute) =>
            attribute.StartsWith(CommunityActivityTypes.ProfileAttributePrefix, StringComparison.Ordinal)
            || attribute is CommunityActivityTypes.FingerprintAttribute or CommunityActivityTypes.VisitorAttribute
            || freeText.Contains(attribute);

        private void DropFreeText(JsonNode node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (name, child) in o.ToArray())
                    {
                        // Event fields are named as the records' properties (Title, Text); attributes as the host wrote them.
                        if (child is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && freeText.Any(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase)))
                        {
                            o[name] = string.Empty;
                        }
                        else if (child is not null)
                        {
                            DropFreeText(child);
                        }
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        if (child is not null)
                        {
                            DropFreeText(child);
                        }
                    }

                    break;
            }
        }

        private static void Replace(JsonNode node, Func<string, string> swap)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var name in o.Select(p => p.Key).ToArray())
                    {
                        var child = o[name];
                        var renamed = swap(name);
                        if (renamed != name)
                        {
                            o.Remove(name);
                            o[renamed] = child;
                        }

                        if (child is JsonValue v && v.TryGetValue<string>(out var s))
                        {
                            o[renamed] = swap(s);
                        }
                        else if (child is not null)
                        {
                            Replace(child, swap);
                        }
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonValue v && v.TryGetValue<string>(out var s))
                        {
                            array[i] = swap(s);
                        }
                        else if (array[i] is { } child)
                        {
                            Replace(child, swap);
                        }
                    }

                    break;
            }
        }
    }
}
