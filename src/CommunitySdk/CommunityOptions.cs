using System.ComponentModel.DataAnnotations;

namespace CommunitySdk;

/// <summary>Options of the core. Bind from configuration (section <c>Community</c>) or set in code.</summary>
public sealed class CommunityOptions
{
    /// <summary>The configuration section name used by convention.</summary>
    public const string SectionName = "Community";

    /// <summary>
    /// Time zone (IANA or Windows id) where calendar rules are cut: daily caps, day/week/month windows,
    /// streaks. Default <c>UTC</c>. A community can override it in <see cref="Communities"/>.
    /// </summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// When <see langword="true"/> (default), an activity from a member who has not joined joins them first
    /// (a <see cref="MemberJoined"/> effect with <see cref="MemberJoined.Implicit"/> set). When
    /// <see langword="false"/>, such an activity fails with <see cref="MemberNotFoundException"/>.
    /// </summary>
    public bool AutoJoinMembers { get; set; } = true;

    /// <summary>How far in the future <see cref="Activity.OccurredAt"/> may be (clock skew), 0 to 1 day. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When <see langword="true"/> (default), the events of each commit are published to event handlers right after
    /// it, in the recording call, for at most <see cref="InlinePublishTimeout"/>; what is not delivered then stays in
    /// the outbox for the relay. When <see langword="false"/>, the host relays the outbox itself
    /// with <see cref="ICommunityOutbox.RelayPendingAsync"/>, typically from a background job (CommunitySdk.AspNetCore's
    /// <c>CommunityBackgroundJobs</c> relays every 5 s).
    /// </summary>
    public bool PublishEventsInline { get; set; } = true;

    /// <summary>Outbox entries relayed per batch, 1 to 10,000. Default 256.</summary>
    [Range(1, 10_000)]
    public int OutboxBatchSize { get; set; } = 256;

    /// <summary>
    /// How long a record waits for its own events to be published inline (<see cref="PublishEventsInline"/>), 1 ms to 1
    /// minute. Default 1 second. A handler still running then is left to finish in the background and whatever it did
    /// not acknowledge stays in the outbox for the relay; the record never waits longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan InlinePublishTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The delay before the first retry of a failed delivery, 1 ms to 1 hour; it doubles with every attempt. Default 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan OutboxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between retries, 1 ms to 7 days. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan OutboxMaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed delivery attempts after which an entry is dead-lettered, 1 to 1,000. Default 10.</summary>
    [Range(1, 1_000)]
    public int OutboxMaxAttempts { get; set; } = 10;

    /// <summary>
    /// The communities (tenants) this host serves, keyed by community id, with the settings that differ from the
    /// defaults. Only these exist: any other id is refused with <see cref="UnknownCommunityException"/> (404 over
    /// HTTP) before anything is allocated for it, unless <see cref="AllowUndeclaredCommunities"/> is set or the host
    /// registers its own <see cref="ICommunityResolver"/>. Declare one in code with <see cref="Community"/>, or in
    /// configuration as <c>"Communities": { "my-shop": { "Name": "My shop" } }</c>.
    /// </summary>
    public IDictionary<string, CommunitySettings> Communities { get; } = new Dictionary<string, CommunitySettings>(StringComparer.Ordinal);

    /// <summary>
    /// When <see langword="true"/>, any valid community id exists (for hosts that create tenants on the fly), up to
    /// <see cref="MaxCommunities"/> per process. Default <see langword="false"/>: only <see cref="Communities"/> exist.
    /// </summary>
    public bool AllowUndeclaredCommunities { get; set; }

    /// <summary>With <see cref="AllowUndeclaredCommunities"/>, the most communities one process keeps state for, 1 to 1,000,000. Default 1,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxCommunities { get; set; } = 1_000;

    /// <summary>
    /// The most distinct activity types one community may record, 1 to 100,000. Default 1,000. The next new type is
    /// refused with <see cref="CommunityLimitExceededException"/>, so no caller can make the process keep state per
    /// made-up type.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxActivityTypes { get; set; } = 1_000;

    /// <summary>
    /// The first day of the week for weekly caps, boards and windows, in every feature. Default Monday. A community can
    /// override it in <see cref="Communities"/>.
    /// </summary>
    public DayOfWeek FirstDayOfWeek { get; set; } = DayOfWeek.Monday;

    /// <summary>
    /// How long after an activity it may still be reversed (<see cref="CommunityActivityTypes.Reverse"/>), 1 to 3,650
    /// days. Default 365 days. Reversal bookkeeping older than this is pruned, so it stays bounded.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan ReversalWindow { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The most activities one write batch of a community commits together, 1 to 10,000. Default 512.</summary>
    [Range(1, 10_000)]
    public int MaxWriteBatch { get; set; } = 512;

    /// <summary>When projection snapshots are taken (see <see cref="SnapshotOptions"/>).</summary>
    public SnapshotOptions Snapshots { get; } = new();

    /// <summary>What an erasure drops besides the member's id and profile (see <see cref="PrivacyOptions"/>, docs/privacy.md).</summary>
    public PrivacyOptions Privacy { get; } = new();

    /// <summary>Declares a community (see <see cref="Communities"/>).</summary>
    /// <param name="id">The community id.</param>
    /// <param name="configure">Its settings.</param>
    /// <returns>These options.</returns>
    public CommunityOptions Community(string id, Action<CommunitySettings>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (!Communities.TryGetValue(id, out var settings))
        {
            Communities[id] = settings = new CommunitySettings();
        }

        configure?.Invoke(settings);
        return this;
    }
}

/// <summary>Settings of one community that differ from the defaults.</summary>
public sealed class CommunitySettings
{
    /// <summary>A display name for people (optional).</summary>
    public string? Name { get; set; }

    /// <summary>The community's time zone; <see langword="null"/> uses <see cref="CommunityOptions.TimeZone"/>.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The community's first day of the week; <see langword="null"/> uses <see cref="CommunityOptions.FirstDayOfWeek"/>.</summary>
    public DayOfWeek? FirstDayOfWeek { get; set; }
}

/// <summary>
/// Snapshots of projection state: a process starts from the newest one and folds only the log after it. They are
/// written in the background from committed state (never under a store write session), every
/// <see cref="EveryActivities"/> activities or <see cref="Interval"/>, whichever comes first.
/// </summary>
public sealed class SnapshotOptions
{
    /// <summary>Whether snapshots are written and read (when the store keeps them). Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Activities after the last snapshot that trigger the next, 100 to 100,000,000. Default 100,000.</summary>
    [Range(100, 100_000_000)]
    public int EveryActivities { get; set; } = 100_000;

    /// <summary>Time after the last snapshot that triggers the next when anything changed, 1 second to 365 days. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Personal data handling: what <see cref="IMemberEraser"/> drops from the erased member's own activities.</summary>
public sealed class PrivacyOptions
{
    /// <summary>
    /// Activity attributes that hold free text (a post's text, a review, a note): an erasure drops them from the erased
    /// member's activities (profile attributes and device fingerprints always go; other attributes stay, with the member's
    /// id replaced, because rules read them). Default <c>text</c>, <c>body</c>, <c>title</c>, <c>comment</c>, <c>note</c>,
    /// <c>message</c>, <c>review</c>, <c>description</c>. When bound from configuration the listed names are added.
    /// </summary>
    public ISet<string> FreeTextAttributes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "body", "title", "comment", "note", "message", "review", "description",
    };

    /// <summary>
    /// How long free-text attributes (<see cref="FreeTextAttributes"/>) are kept: older activities lose them
    /// (<see cref="IActivityRetention"/>, run daily by CommunitySdk.AspNetCore's background jobs); what rules read stays.
    /// 1 to 36,500 days; <see langword="null"/> (default) keeps them until an erasure.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan? FreeTextRetention { get; set; }
}
