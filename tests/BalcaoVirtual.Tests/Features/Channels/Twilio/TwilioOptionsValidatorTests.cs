using BalcaoVirtual.Web.Features.Channels.Twilio;

namespace BalcaoVirtual.Tests.Features.Channels.Twilio;

public sealed class TwilioOptionsValidatorTests
{
    private const string Sid = "AC0123456789abcdef0123456789abcdef";
    private readonly TwilioOptionsValidator validator = new();

    [Test]
    public void Validate_Fails_NamingPublicBaseUrl_WhenAccountHasNone() =>
        Assert.That(validator.Validate(null, new TwilioOptions { AccountSid = Sid, AuthToken = "t" }).FailureMessage, Does.Contain("Twilio:PublicBaseUrl"));

    [Test]
    public void Validate_Fails_NamingAuthToken_WhenOnlySidIsSet() =>
        Assert.That(validator.Validate(null, new TwilioOptions { AccountSid = Sid, PublicBaseUrl = new("https://x.jus.br") }).FailureMessage, Does.Contain("Twilio:AuthToken"));

    [Test]
    public void Validate_Fails_NamingTheEntry_ForMalformedAccountInList() =>
        Assert.That(
            validator.Validate(null, new TwilioOptions { PublicBaseUrl = new("https://x.jus.br"), Accounts = [new() { AccountSid = "ACnope", AuthToken = "t" }] }).FailureMessage,
            Does.Contain("Twilio:Accounts:0:AccountSid"));

    [Test]
    public void Validate_Succeeds_ForAccountWithPublicUrl() =>
        Assert.That(validator.Validate(null, new TwilioOptions { AccountSid = Sid, AuthToken = "t", PublicBaseUrl = new("https://balcao.trt8.jus.br") }).Succeeded, Is.True);

    [Test]
    public void TokensBySid_MergesSingleAccountAndList()
    {
        var options = new TwilioOptions { AccountSid = Sid, AuthToken = "a", Accounts = [new() { AccountSid = "AC" + new string('1', 32), AuthToken = "b" }] };
        Assert.That(options.TokensBySid().Keys, Is.EquivalentTo(new[] { Sid, "AC" + new string('1', 32) }));
    }
}
