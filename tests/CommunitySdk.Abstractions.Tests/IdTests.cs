namespace CommunitySdk.Abstractions.Tests;

public class IdTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    [InlineData("new\nline")]
    [InlineData("nul\0")]
    public void MemberId_rejects_empty_and_control_characters(string value)
    {
        var ex = Assert.Throws<CommunityValidationException>(() => new MemberId(value));
        Assert.Equal("memberId", ex.Field);
        Assert.False(MemberId.TryCreate(value, out _));
    }

    [Fact]
    public void MemberId_rejects_more_than_128_characters_and_accepts_128()
    {
        var ex = Assert.Throws<CommunityValidationException>(() => new MemberId(new string('x', 129)));
        Assert.Contains("128", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(128, new MemberId(new string('x', 128)).Value.Length);
    }

    [Fact]
    public void CommunityId_names_its_own_field()
    {
        var ex = Assert.Throws<CommunityValidationException>(() => new CommunityId(""));
        Assert.Equal("communityId", ex.Field);
    }

    [Fact]
    public void Ids_compare_by_ordinal_value_and_default_is_empty()
    {
        Assert.Equal(new MemberId("Bob"), new MemberId("Bob"));
        Assert.NotEqual(new MemberId("Bob"), new MemberId("bob"));
        Assert.True(default(MemberId).IsEmpty);
        Assert.False(new MemberId("bob").IsEmpty);
        Assert.True(MemberId.TryCreate("城市-用户 7", out var unicode));
        Assert.Equal("城市-用户 7", unicode.ToString());
    }
}
