namespace CommunitySdk.Abstractions.Tests;

/// <summary>The one typed parser of attributes: bad text is a validation error naming the field, never a FormatException.</summary>
public class ActivityAttributeTests
{
    private static Activity With(string name, string value) => new()
    {
        IdempotencyKey = "k",
        Community = new CommunityId("c"),
        Member = new MemberId("m"),
        Type = "t",
        Attributes = new Dictionary<string, string> { [name] = value },
    };

    [Theory]
    [InlineData("abc")]
    [InlineData("99999999999")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData(" 7")]
    [InlineData("0")]
    public void Whole_numbers_out_of_shape_or_range_name_the_field(string text)
    {
        var error = Assert.Throws<CommunityValidationException>(() => With("max_uses", text).GetInt32("max_uses", "maxUses", min: 1, max: 1000));
        Assert.Equal("maxUses", error.Field);
    }

    [Fact]
    public void Whole_numbers_parse_and_absent_is_null()
    {
        Assert.Equal(-12, With("n", "-12").GetInt32("n"));
        Assert.Null(With("other", "1").GetInt32("n"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("2030-01-01")]
    [InlineData("2030-01-01T10:00:00")]
    [InlineData("1999-12-31T23:00:00Z")]
    [InlineData("2030-13-01T10:00:00Z")]
    public void Times_need_iso_8601_with_an_offset(string text) =>
        Assert.Equal("expiresAt", Assert.Throws<CommunityValidationException>(() => With("expires_at", text).GetDateTimeOffset("expires_at", "expiresAt")).Field);

    [Fact]
    public void Times_with_offsets_parse() =>
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 10, 0, 0, TimeSpan.FromHours(8)), With("at", "2030-01-01T10:00:00+08:00").GetDateTimeOffset("at"));

    [Theory]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData("yes")]
    public void Flags_are_exactly_true_or_false(string text) =>
        Assert.Equal("vanity", Assert.Throws<CommunityValidationException>(() => With("vanity", text).GetBoolean("vanity")).Field);

    [Theory]
    [InlineData("NaN")]
    [InlineData("1e400")]
    [InlineData("Infinity")]
    [InlineData("1,5")]
    public void Decimals_out_of_shape_name_the_field(string text) =>
        Assert.Equal("amount", Assert.Throws<CommunityValidationException>(() => With("amount", text).GetDecimal("amount")).Field);

    [Fact]
    public void Member_ids_and_required_text_name_the_field()
    {
        Assert.Equal("endorser", Assert.Throws<CommunityValidationException>(() => With("endorser", " ").GetRequiredMemberId("endorser")).Field);
        Assert.Equal("endorser", Assert.Throws<CommunityValidationException>(() => With("x", "a").GetRequiredMemberId("endorser")).Field);
        Assert.Equal("code", Assert.Throws<CommunityValidationException>(() => With("code", "  ").GetRequiredString("code")).Field);
        Assert.Equal(new MemberId("ann"), With("endorser", "ann").GetRequiredMemberId("endorser"));
    }
}
