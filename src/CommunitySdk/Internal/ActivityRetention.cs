using System.Collections.Concurrent;
using CommunitySdk.Projections;
using CommunitySdk.Storage;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// Drops free-text attributes (<see cref="PrivacyOptions.FreeTextAttributes"/>) from activities recorded more than
/// <see cref="PrivacyOptions.FreeTextRetention"/> ago, rewriting them in place in one store transaction. The log is in
/// commit order, so a pass reads from where the last one stopped (in this process) up to the first activity that is
/// still young enough to keep.
/// </summary>
internal sealed class ActivityRetention(
    ICommunityStore store,
    ProjectionCoordinator projections,
    IOptionsMonitor<CommunityOptions> options,
    TimeProvider time) : IActivityRetention
{
    private readonly ConcurrentDictionary<CommunityId, long> _doneUpTo = new();

    public async ValueTask<int> ApplyAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        var privacy = options.CurrentValue.Privacy;
        if (privacy.FreeTextRetention is not { } retention || privacy.FreeTextAttributes.Count == 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow() - retention;
        return await MemberEraser.UnderRewriteSessionAsync(projections, store, community, "apply retention", async (session, rewriting, _) =>
        {
            var rewritten = new List<CommittedActivity>();
            var upTo = _doneUpTo.GetValueOrDefault(community);
            await foreach (var committed in store.ReadLogAsync(community, upTo, cancellationToken).ConfigureAwait(false))
            {
                if (committed.ActivityId > session.LastActivityId || committed.RecordedAt >= cutoff)
                {
                    break;
                }

                upTo = committed.ActivityId;
                var a = committed.Activity;
                if (a.Attributes.Keys.Any(privacy.FreeTextAttributes.Contains))
                {
                    var activity = ActivityCopy.With(a, a.Attributes.Where(p => !privacy.FreeTextAttributes.Contains(p.Key)).ToDictionary(StringComparer.Ordinal));
                    rewritten.Add(committed with { Activity = activity, Fingerprint = ActivityFingerprint.Compute(activity) });
                }
            }

            if (rewritten.Count > 0)
            {
                await rewriting.RewriteAsync(rewritten, cancellationToken).ConfigureAwait(false);
            }

            _doneUpTo[community] = upTo;
            return rewritten.Count;
        }, cancellationToken).ConfigureAwait(false);
    }
}
