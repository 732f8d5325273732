using System.Text;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>
/// Twilio's form bodies: what reaches <see cref="FormBody"/> is any bytes a stranger posts. It must never throw (a throw
/// is a 500), and what it accepts must be read exactly as it was written.
/// </summary>
public sealed class TwilioFormFuzzTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";
    private const string Url = "https://balcao.trt8.jus.br/webhooks/twilio";

    private static readonly byte[][] Seeds =
    [
        .. new[]
        {
            "ToCountry=BR&ToState=PA&SmsMessageSid=SM0123456789abcdef0123456789abcdef&NumMedia=0&ToCity=&FromZip=&SmsSid=SM0123456789abcdef0123456789abcdef&FromState=&SmsStatus=received&FromCity=&Body=Ol%C3%A1%2C+bom+dia.+Processo+0001234-56.2024.5.08.0001&FromCountry=BR&To=whatsapp%3A%2B559140080001&ToZip=&NumSegments=1&MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC0123456789abcdef0123456789abcdef&From=whatsapp%3A%2B5591981234567&ApiVersion=2010-04-01&ProfileName=Maria+Jos%C3%A9&WaId=5591981234567",
            "NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC0%2FMessages%2FMM0%2FMedia%2FME0&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fx&MediaContentType1=application%2Fpdf&Body=&From=%2B5591981234567&To=%2B559140080002&MessageSid=MM0123456789abcdef0123456789abcdef&AccountSid=AC0123456789abcdef0123456789abcdef",
            "MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=undelivered&ErrorCode=63016&ErrorMessage=Outside+the+allowed+window&To=whatsapp%3A%2B5591981234567&From=whatsapp%3A%2B559140080001&AccountSid=AC0123456789abcdef0123456789abcdef&ChannelStatusMessage=%E2%9C%94",
            "a=1&a=2&a=&=b&&c&d=%20%2B%25",
        }.Select(Encoding.ASCII.GetBytes),
    ];

    private static readonly string[] Tokens =
    [
        "&", "=", "%", "+", "%2B", "%3A", "%C3%A1", "%F0%9F%98%80", "%ED%A0%80", "%C0%AF", "%FF", "%E2%82", "Body=", "From=", "To=",
        "MessageSid=", "NumMedia=", "MediaUrl0=", "AccountSid=", "whatsapp%3A%2B55", "%00", "%0D%0A",
    ];

    [Test]
    public void AnyBytes_AreReadOrRefused_NeverThrow() => Fuzzer.Run("twilio-form", 200_000,
        r => r.Next(8) == 0 ? RandomBytes(r) : Mutator.Bytes(r, Seeds, Tokens),
        body =>
        {
            if (FormBody.Parse(body) is not { } form)
            {
                return;
            }

            // Everything the webhook does with a form before it is stored.
            var parameters = form.Select(p => new KeyValuePair<string, IReadOnlyList<string>>(p.Key, p.Value)).ToList();
            var signature = TwilioSignature.Compute(Token, Url, parameters);
            Assert.That(TwilioSignature.IsValid(Token, Url, parameters, signature), Is.True, "a form signed as Twilio signs it verifies");
            _ = TwilioSignature.IsValid(Token, Url, parameters, Encoding.Latin1.GetString(body, 0, Math.Min(body.Length, 40)));
            _ = ContactAddress.FromTwilio(TwilioWebhook.First(form, "From"));
            _ = ContactAddress.FromTwilio(TwilioWebhook.First(form, "To"));
        });

    [Test]
    public void AnyForm_WrittenAsTwilioWritesIt_IsReadBackExactly() => Fuzzer.Run("twilio-form-roundtrip", 50_000,
        r =>
        {
            // Names and values of any valid text (a lone surrogate cannot be sent as UTF-8), in any order, repeated.
            var pairs = Enumerable.Range(0, r.Next(12)).Select(_ => (Name: ValidText(r, 12), Value: ValidText(r, 200))).ToList();
            return (Pairs: pairs, Body: Encoding.ASCII.GetBytes(string.Join("&", pairs.Select(p => Encode(r, p.Name) + "=" + Encode(r, p.Value)))));
        },
        input =>
        {
            var form = FormBody.Parse(input.Body);
            Assert.That(form, Is.Not.Null, "valid form data is accepted");
            var expected = input.Pairs.GroupBy(p => p.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Value).ToList(), StringComparer.Ordinal);
            Assert.That(form, Is.EquivalentTo(expected));
        },
        input => input.Body);

    [Test]
    public void AnySignatureHeader_IsCheckedNeverThrows() => Fuzzer.Run("twilio-signature", 100_000,
        r => Mutator.AnyText(r, 60),
        header =>
        {
            Assert.That(TwilioSignature.IsValid(Token, Url, [new("Body", ["x"])], header), Is.False);
            // The URL's origin may come from a forged Host header: whatever it is, the check answers.
            Assert.That(TwilioSignature.IsValid(Token, "https://" + header + "/webhooks/twilio", [new("Body", ["x"])], header), Is.False);
        });

    private static byte[] RandomBytes(Random r)
    {
        var bytes = new byte[r.Next(2000)];
        r.NextBytes(bytes);
        return bytes;
    }

    private static string ValidText(Random r, int max)
    {
        var text = Mutator.AnyText(r, max);
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]))
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(text[i]).Append(text[++i]);
                }

                continue;
            }

            sb.Append(text[i]);
        }

        return sb.ToString();
    }

    /// <summary>Percent-encoding as senders differ: spaces as '+' or %20, hex in either case, safe bytes left bare.</summary>
    private static string Encode(Random r, string text)
    {
        var sb = new StringBuilder();
        var upper = r.Next(2) == 0;
        var plus = r.Next(2) == 0;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b == ' ' && plus)
            {
                sb.Append('+');
            }
            else if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' || (b is (byte)'*' or (byte)'(' && r.Next(2) == 0))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString(upper ? "X2" : "x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
