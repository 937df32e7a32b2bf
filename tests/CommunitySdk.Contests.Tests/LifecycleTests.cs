using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Contests.Tests.Fixture;

namespace CommunitySdk.Contests.Tests;

public class LifecycleTests
{
    [Fact]
    public async Task Phases_follow_the_schedule_in_the_community_time_zone()
    {
        // The community runs on Shanghai time: submission opens at 09:00 local, 01:00 UTC.
        await using var host = TestUtilsHost(o => o.Communities["shop"] = new CommunitySettings { TimeZone = "Asia/Shanghai" });
        var info = await host.Contests().GetAsync(Shop, Washer);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(8)), info.SubmissionStartsAt);
        Assert.Equal(ContestPhase.Submission, info.Phase); // the clock starts at 09:00 UTC = 17:00 local, after 10:00 local
        host.OpenVoting();
        Assert.Equal(ContestPhase.Voting, (await host.Contests().GetAsync(Shop, Washer)).Phase);
        host.CloseVoting();
        Assert.Equal(ContestPhase.Judging, (await host.Contests().GetAsync(Shop, Washer)).Phase);
    }

    [Fact]
    public async Task Title_and_brief_answer_in_the_current_ui_culture()
    {
        await using var host = Host(c => { c.Brief = "Make it quiet."; c.DisplayNames["zh"] = "更安静的洗衣机"; c.Briefs["zh-CN"] = "让它安静下来。"; });
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("zh-CN");
            var chinese = await host.Contests().GetAsync(Shop, Washer);
            Assert.Equal(("更安静的洗衣机", "让它安静下来。"), (chinese.Title, chinese.Brief)); // zh-CN falls back to zh for the title
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("en-GB");
            var english = (await host.Contests().ListAsync(Shop)).Single();
            Assert.Equal(("A quieter washing machine", "Make it quiet."), (english.Title, english.Brief));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
    }

    [Fact]
    public async Task An_entry_is_refused_outside_submission_with_the_field_and_the_phase()
    {
        await using var host = Host();
        await host.Join("ann");
        host.OpenSubmission();
        host.OpenVoting();
        var error = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Submit("ann"));
        Assert.Equal("contest", error.Field);
        Assert.Contains("voting", error.Reason, StringComparison.Ordinal);
        Assert.Empty(await host.Contests().EntriesOfAsync(Shop, Washer, M("ann")));
    }

    [Fact]
    public async Task Unknown_contests_and_entries_are_not_found()
    {
        await using var host = Host();
        await host.Join("ann");
        host.OpenSubmission();
        var contest = await Assert.ThrowsAsync<ContestNotFoundException>(() => host.Contests().GetAsync(Shop, "nope").AsTask());
        Assert.Equal("contest", contest.Field);
        var entry = await Assert.ThrowsAsync<ContestNotFoundException>(() => host.Contests().EditAsync(Shop, Washer, "7", M("ann"), "x", null, "k").AsTask());
        Assert.Equal("entry", entry.Field);
    }

    [Fact]
    public async Task A_contest_for_one_community_does_not_exist_in_another()
    {
        await using var host = Host(c => c.Community = "shop");
        await host.Join("ann");
        host.OpenSubmission();
        Assert.Single(await host.Contests().ListAsync(Shop));
        Assert.Empty(await host.Contests().ListAsync(new CommunityId("other")));
        await Assert.ThrowsAsync<ContestNotFoundException>(() => host.Contests().SubmitAsync(new CommunityId("other"), Washer, M("ann"), new EntrySubmission { Title = "t", IdempotencyKey = "k" }).AsTask());
    }

    [Fact]
    public async Task Entries_are_limited_per_member_and_a_withdrawn_one_frees_the_slot()
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 1);
        await host.Join("ann");
        host.OpenSubmission();
        var first = await host.Submit("ann", "one");
        var error = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Submit("ann", "two"));
        Assert.Equal("member", error.Field);
        await host.Contests().WithdrawAsync(Shop, Washer, first, M("ann"), "withdraw");
        Assert.Equal(EntryStatus.Withdrawn, (await host.Entry(first)).Status);
        var second = await host.Submit("ann", "two");
        Assert.Equal("2", second);
        Assert.Equal(1, (await host.Contests().GetAsync(Shop, Washer)).Entries);
    }

    [Fact]
    public async Task Co_authors_must_be_members_and_may_edit_but_not_withdraw()
    {
        await using var host = Host();
        await host.Join("ann", "bob", "cy");
        host.OpenSubmission();
        var bad = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Submit("ann", "t", "ghost"));
        Assert.Equal("coauthor1", bad.Field);
        var entry = await host.Submit("ann", "Rubber feet", "bob");
        await host.Contests().EditAsync(Shop, Washer, entry, M("bob"), "Rubber feet, v2", "Softer", "edit-bob");
        Assert.Equal("Rubber feet, v2", (await host.Entry(entry)).Title);
        var edit = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().EditAsync(Shop, Washer, entry, M("cy"), "mine", null, "edit-cy").AsTask());
        Assert.Equal("entry", edit.Field);
        await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().WithdrawAsync(Shop, Washer, entry, M("bob"), "w-bob").AsTask());
        Assert.Equal([M("bob")], (await host.Contests().EntriesOfAsync(Shop, Washer, M("bob"))).Single().CoAuthors);
    }

    [Fact]
    public async Task Eligibility_refuses_late_joiners_and_other_segments()
    {
        await using var host = Host(c => { c.JoinedBeforeStart = true; c.EligibleSegment = "Qingdao"; });
        await host.Members.JoinAsync(Shop, M("ann"), new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = "Qingdao" } });
        await host.Members.JoinAsync(Shop, M("bob"), new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = "Wuhan" } });
        host.OpenSubmission();
        await host.Members.JoinAsync(Shop, M("cy"), new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = "Qingdao" } });
        Assert.Equal("1", await host.Submit("ann"));
        var other = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Submit("bob"));
        Assert.Contains("Qingdao", other.Reason, StringComparison.Ordinal);
        var late = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Submit("cy"));
        Assert.Contains("joined after", late.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moderated_entries_wait_and_a_rejection_needs_a_reason()
    {
        await using var host = Host(c => c.ModerateEntries = true);
        await host.Join("ann", "mod");
        host.OpenSubmission();
        var entry = await host.Submit("ann");
        Assert.Equal(EntryStatus.Pending, (await host.Entry(entry)).Status);
        Assert.Empty(await host.Contests().RankingAsync(Shop, Washer));
        Assert.Single(await host.Contests().ReviewAsync(Shop, Washer));
        var noReason = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().ModerateAsync(Shop, Washer, entry, M("mod"), accept: false, null, "m1").AsTask());
        Assert.Equal("reason", noReason.Field);
        await host.Contests().ModerateAsync(Shop, Washer, entry, M("mod"), accept: true, null, "m2");
        Assert.Equal(1, (await host.Contests().RankingAsync(Shop, Washer)).Single().Rank);
        await host.Contests().ModerateAsync(Shop, Washer, entry, M("mod"), accept: false, "copied", "m3");
        var rejected = await host.Entry(entry);
        Assert.Equal((EntryStatus.Rejected, "copied", (int?)null), (rejected.Status, rejected.ModerationReason, rejected.Rank));
        Assert.Empty(await host.Contests().RankingAsync(Shop, Washer));
    }

    [Fact]
    public async Task Contest_commands_are_reserved_for_host_code()
    {
        await using var host = Host();
        var commands = host.Get<ICommandActivityTypes>();
        Assert.True(commands.IsCommand(ContestActivityTypes.Vote));
        Assert.True(commands.IsCommand(ContestActivityTypes.Finish));
    }

    [Fact]
    public async Task Bad_options_fail_with_the_path_and_the_reason()
    {
        await using var host = Host(
            c => { c.VotingEndsAt = c.SubmissionStartsAt; c.Prizes.Add(10); c.HonourBadge = "nobody"; c.DisplayNames["zh"] = " "; },
            o => o.TierWeights["gold"] = 0);
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.Contests().ListAsync(Shop).AsTask().GetAwaiter().GetResult());
        Assert.Contains("Contests:Contests:washer: the phases must be in order", error.Message, StringComparison.Ordinal);
        Assert.Contains("PrizeCurrency must be a declared points currency", error.Message, StringComparison.Ordinal);
        Assert.Contains("HonourBadge 'nobody' is not a defined badge", error.Message, StringComparison.Ordinal);
        Assert.Contains("TierWeights:gold", error.Message, StringComparison.Ordinal);
        Assert.Contains("Contests:Contests:washer:DisplayNames[zh]: the display name must be 1 to 200 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Contests_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(ContestOptions).Assembly));

    private static Testing.TestHost TestUtilsHost(Action<CommunityOptions> options) => Testing.TestHost.Create(
        b => b.AddPoints(p => p.Currency("coins")).AddContests(o => o.Contest(Washer, "A quieter washing machine", SubmissionOpens, SubmissionOpens.AddDays(3), SubmissionOpens.AddDays(6))),
        options);
}
