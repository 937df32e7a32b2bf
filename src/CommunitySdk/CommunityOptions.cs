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
    /// When <see langword="true"/> (default), events are published to event handlers right after each commit,
    /// in the recording call. When <see langword="false"/>, the host relays the outbox itself
    /// with <see cref="ICommunityOutbox.RelayPendingAsync"/>, typically from a background job (CommunitySdk.AspNetCore's
    /// <c>CommunityBackgroundJobs</c> relays every 5 s).
    /// </summary>
    public bool PublishEventsInline { get; set; } = true;

    /// <summary>Outbox entries relayed per batch, 1 to 10,000. Default 256.</summary>
    [Range(1, 10_000)]
    public int OutboxBatchSize { get; set; } = 256;

    /// <summary>Per-community settings, keyed by community id.</summary>
    public IDictionary<string, CommunitySettings> Communities { get; } = new Dictionary<string, CommunitySettings>(StringComparer.Ordinal);
}

/// <summary>Settings of one community that differ from the defaults.</summary>
public sealed class CommunitySettings
{
    /// <summary>The community's time zone; <see langword="null"/> uses <see cref="CommunityOptions.TimeZone"/>.</summary>
    public string? TimeZone { get; set; }
}
