using System.Security.Cryptography;
using System.Text;
using BalcaoVirtual.Web.Features.Channels.Twilio;

namespace BalcaoVirtual.Tests.Features.Channels.Twilio;

/// <summary>
/// Built from the algorithm in protocols.md §1, anchored on the vectors Twilio's own SDKs publish
/// (auth token "12345", https://mycompany.com/myapp.php?foo=1&amp;bar=2). Each rule has a case that must fail.
/// </summary>
public sealed class TwilioSignatureTests
{
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string SdkVector = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    private static List<KeyValuePair<string, IReadOnlyList<string>>> SdkParams() =>
    [
        P("CallSid", "CA1234567890ABCDE"),
        P("From", "+14158675309"),
        P("Digits", "1234"),
        P("To", "+18005551212"),
        P("Caller", "+14158675309"),
    ];

    [Test]
    public void Compute_MatchesTwilioSdkVector() =>
        Assert.That(TwilioSignature.Compute(Token, Url, SdkParams()), Is.EqualTo(SdkVector));

    [Test]
    public void IsValidForm_Accepts_SdkVector() =>
        Assert.That(TwilioSignature.IsValidForm(Token, Url, SdkParams(), SdkVector), Is.True);

    [Test]
    public void IsValidForm_Rejects_WrongToken() =>
        Assert.That(TwilioSignature.IsValidForm("54321", Url, SdkParams(), SdkVector), Is.False);

    [Test]
    public void IsValidForm_Rejects_TamperedValue()
    {
        var tampered = SdkParams();
        tampered[2] = P("Digits", "9999");
        Assert.That(TwilioSignature.IsValidForm(Token, Url, tampered, SdkVector), Is.False);
    }

    [Test]
    public void IsValidForm_Rejects_ExtraParameter()
    {
        var extra = SdkParams();
        extra.Add(P("Body", "oi"));
        Assert.That(TwilioSignature.IsValidForm(Token, Url, extra, SdkVector), Is.False);
    }

    [TestCase(null)]
    [TestCase("")]
    public void IsValidForm_Rejects_MissingOrEmptyHeader(string? signature) =>
        Assert.That(TwilioSignature.IsValidForm(Token, Url, SdkParams(), signature), Is.False);

    [Test]
    public void IsValidForm_Rejects_OtherQueryString() =>
        Assert.That(TwilioSignature.IsValidForm(Token, "https://mycompany.com/myapp.php?foo=1&bar=3", SdkParams(), SdkVector), Is.False);

    [Test]
    public void IsValidForm_Accepts_SignatureMadeWithPort_WhenRequestUrlHasNone()
    {
        var signedWithPort = TwilioSignature.Compute(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", SdkParams());
        Assert.That(TwilioSignature.IsValidForm(Token, Url, SdkParams(), signedWithPort), Is.True);
    }

    [Test]
    public void IsValidForm_Accepts_SignatureMadeWithoutPort_WhenRequestUrlHasOne() =>
        Assert.That(TwilioSignature.IsValidForm(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", SdkParams(), SdkVector), Is.True);

    [Test]
    public void IsValidForm_Rejects_SignatureMadeWithAnotherPort()
    {
        var signedOnOtherPort = TwilioSignature.Compute(Token, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", SdkParams());
        Assert.That(TwilioSignature.IsValidForm(Token, Url, SdkParams(), signedOnOtherPort), Is.False);
    }

    [Test]
    public void UrlVariants_TogglesHttpPort80_AndKeepsUserInfoAndHostCase()
    {
        var variants = TwilioSignature.UrlVariants("http://User:Pass@Balcao.TRT8.jus.br/webhooks/twilio?x=1").ToList();
        Assert.That(variants, Is.EqualTo(new[]
        {
            "http://User:Pass@Balcao.TRT8.jus.br/webhooks/twilio?x=1",
            "http://User:Pass@Balcao.TRT8.jus.br:80/webhooks/twilio?x=1",
        }));
    }

    [Test]
    public void UrlVariants_RemovesPort_WhenPresent() =>
        Assert.That(TwilioSignature.UrlVariants("https://user@host.jus.br:443/p").Last(), Is.EqualTo("https://user@host.jus.br/p"));

    [Test]
    public void IsValidForm_Rejects_WhenHostCaseDiffers()
    {
        var signed = TwilioSignature.Compute(Token, "https://MyCompany.com/myapp.php?foo=1&bar=2", SdkParams());
        Assert.That(TwilioSignature.IsValidForm(Token, Url, SdkParams(), signed), Is.False);
    }

    [Test]
    public void Compute_SortsByNameOnly_ReasonBeforeReasonConferenceEnded()
    {
        // Twilio's Go SDK vector: sorting name+value together would put "ReasonConferenceEndedtest" first.
        var parameters = SdkParams();
        parameters.Add(P("ReasonConferenceEnded", "test"));
        parameters.Add(P("Reason", "Participant"));
        Assert.That(TwilioSignature.Compute(Token, Url, parameters), Is.EqualTo("vOEb5UThFn24KEfnOFLQY2AE5FY="));
    }

    [Test]
    public void Compute_RepeatedName_ContributesEachDistinctValueSorted()
    {
        var expected = Hmac(Url + "MediaUrlaMediaUrlb");
        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.Compute(Token, Url, [P("MediaUrl", "b", "a")]), Is.EqualTo(expected));
            Assert.That(TwilioSignature.Compute(Token, Url, [P("MediaUrl", "b", "a", "b")]), Is.EqualTo(expected));
            Assert.That(TwilioSignature.Compute(Token, Url, [P("MediaUrl", "b")]), Is.Not.EqualTo(expected));
        });
    }

    [Test]
    public void Compute_UsesUtf8_ForAccentsAndApostrophes()
    {
        const string body = "Olá, d'Ávila! Ação nº 0000001 — obrigado";
        var expected = Hmac(Url + "Body" + body);
        Assert.That(TwilioSignature.Compute(Token, Url, [P("Body", body)]), Is.EqualTo(expected));
        Assert.That(TwilioSignature.Compute(Token, Url, [P("Body", "Ola, d'Avila! Acao no 0000001 - obrigado")]), Is.Not.EqualTo(expected));
    }

    [Test]
    public void IsValidJson_Accepts_TwilioSdkVector()
    {
        const string body = "{\"property\": \"value\", \"boolean\": true}";
        const string url = Url + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        Assert.That(TwilioSignature.IsValidJson(Token, url, Encoding.UTF8.GetBytes(body), "a9nBmqA0ju/hNViExpshrM61xv4="), Is.True);
    }

    [Test]
    public void IsValidJson_Rejects_TamperedBody_EvenWithValidUrlSignature()
    {
        const string url = Url + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        Assert.That(TwilioSignature.IsValidJson(Token, url, Encoding.UTF8.GetBytes("{\"property\": \"other\", \"boolean\": true}"), "a9nBmqA0ju/hNViExpshrM61xv4="), Is.False);
    }

    [Test]
    public void IsValidJson_Rejects_UrlWithoutBodyHash() =>
        Assert.That(TwilioSignature.IsValidJson(Token, Url, "{}"u8, TwilioSignature.Compute(Token, Url, [])), Is.False);

    [Test]
    public void IsValidJson_Rejects_WrongUrlSignature()
    {
        const string url = Url + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        Assert.That(TwilioSignature.IsValidJson(Token, url, Encoding.UTF8.GetBytes("{\"property\": \"value\", \"boolean\": true}"), SdkVector), Is.False);
    }

    private static KeyValuePair<string, IReadOnlyList<string>> P(string name, params string[] values) => new(name, values);

    private static string Hmac(string data) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data)));
}
