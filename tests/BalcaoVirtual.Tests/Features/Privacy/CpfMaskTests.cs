using BalcaoVirtual.Web.Features.Privacy;

namespace BalcaoVirtual.Tests.Features.Privacy;

public sealed class CpfMaskTests
{
    [TestCase("Meu CPF é 529.982.247-25.", "Meu CPF é ***.982.247-**.")]
    [TestCase("cpf 52998224725 ok", "cpf ***.982.247-** ok")]
    [TestCase("CPF 111.111.111-11 (formatted: masked even if invalid)", "CPF ***.111.111-** (formatted: masked even if invalid)")]
    [TestCase("celular 91981234567", "celular 91981234567")]
    [TestCase("processo 0001234-56.2025.5.08.0210", "processo 0001234-56.2025.5.08.0210")]
    [TestCase("", "")]
    [TestCase("CPF 529 982 247 25", "CPF ***.982.247-**")]
    [TestCase("CPF 529.982.247/25", "CPF ***.982.247-**")]
    [TestCase("CPF 529982247-25", "CPF ***.982.247-**")]
    [TestCase("CPF 529-982-247-25.", "CPF ***.982.247-**.")]
    [TestCase("CPF 529.982.24725", "CPF ***.982.247-**")]
    [TestCase("conta 529 982 247 26", "conta 529 982 247 26")]
    [TestCase("tel (91) 98123-4567 e 91 98123 4567", "tel (91) 98123-4567 e 91 98123 4567")]
    [TestCase("processo 0004567-08.2025.5.08.0210 e 529 982 247 25", "processo 0004567-08.2025.5.08.0210 e ***.982.247-**")]
    [TestCase("1 529 982 247 25", "1 529 982 247 25")]
    [TestCase("CPF 529.982.247-25 3333-4444", "CPF ***.982.247-** 3333-4444")]
    [TestCase("nº 5 529.982.247-25", "nº 5 ***.982.247-**")]
    [TestCase("５２９.９８２.２４７-２５", "５２９.９８２.２４７-２５")]
    [TestCase("٥٢٩٩٨٢٢٤٧٢٥", "٥٢٩٩٨٢٢٤٧٢٥")]
    public void Mask_HidesAllButTheMiddleSixDigits(string text, string expected) => Assert.That(CpfMask.Mask(text), Is.EqualTo(expected));

    [TestCase("52998224725", true)]
    [TestCase("52998224724", false)]
    [TestCase("00000000000", false)]
    [TestCase("5299822472", false)]
    public void IsValid_ChecksBothCheckDigits(string digits, bool valid) => Assert.That(CpfMask.IsValid(digits), Is.EqualTo(valid));

    [Test]
    public void Masked_CoversEveryFieldACitizenWrote_OfAConversationAndAMessage()
    {
        var conversation = new BalcaoVirtual.Web.Features.Conversations.Conversation
        {
            Id = "c", Channel = BalcaoVirtual.Web.Features.Conversations.Channel.Email, ContactAddress = "a@b.c",
            Subject = "Pedido - CPF 529 982 247 25", ContactName = "Maria 529.982.247/25",
        };
        var message = new BalcaoVirtual.Web.Features.Conversations.Message
        {
            Id = "m", Direction = BalcaoVirtual.Web.Features.Conversations.MessageDirection.Inbound,
            Channel = BalcaoVirtual.Web.Features.Conversations.Channel.Email, Author = BalcaoVirtual.Web.Features.Conversations.MessageAuthor.Citizen,
            Text = "meu cpf 529982247-25", Quoted = "> 52998224725", From = "Maria 529.982.247-25 <m@b.c>",
            ReplyTo = "529.982.247-25 <r@b.c>",
        };

        var text = System.Text.Json.JsonSerializer.Serialize(new { c = CpfMask.Masked(conversation), m = CpfMask.Masked(message) });

        Assert.That(text, Does.Not.Contain("529").And.Contain("***.982.247-**"));
        Assert.That(CpfMask.Contains(message), Is.True);
    }
}
