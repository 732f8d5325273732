using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Channels.Email;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using static BalcaoVirtual.IntegrationTests.Channels.Email.MailTestSupport;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>An e-mail conversation in the clerks' inbox, in a real Chromium: the new text, the history folded, the attachment a download.</summary>
public sealed class EmailInboxPageTests
{
    [Test]
    public async Task Clerk_SeesTheNewText_TheQuotedHistoryFolded_AndDownloadsTheAttachment_ThenAnswersByEmail()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user), kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("servidora.email@trt8.jus.br", clerkOf: [Unit])).Dispose();
        var citizen = NewCitizen();
        var builder = new BodyBuilder
        {
            TextBody = "Segue o comprovante <b>pago</b>. CPF 529.982.247-25.\n\nEm seg., 23 de nov. de 2026 às 09:00, Vara <vt7macapa@trt8.jus.br> escreveu:\n> Envie o comprovante.",
        };
        builder.Attachments.Add("comprovante de pagamento.pdf", "%PDF-1.4 teste"u8.ToArray(), ContentType.Parse("application/pdf"));
        await AppendAsync(user, new MimeMessage([MailboxAddress.Parse(citizen)], [MailboxAddress.Parse(UnitAddress)], "Comprovante", builder.ToMessageBody())
        { MessageId = Guid.NewGuid().ToString("N") + "@exemplo.com.br" });
        await bot.Factory.Services.GetRequiredService<MailboxPoller>().PollAsync(Unit, CancellationToken.None);
        var conversation = (await Channels.Email.MailboxPollerTests.WaitingAsync(bot, 1)).Single().Conversation;

        await using var browser = await SystemChromium.SessionAsync();
        var context = await browser.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = 1100, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/inbox");
        await page.FillAsync("#email", "servidora.email@trt8.jus.br");
        await page.FillAsync("#password", "senha-forte-do-servidor");
        await page.ClickAsync("button[type=submit]");
        await page.ArrivedAsync("/inbox");
        await page.GotoAsync($"{bot.BaseUrl}/inbox/conversations/{conversation.Id}");

        // Locators, not element handles: the page draws the thread again when something changes.
        var first = page.Locator(".thread li.inbound").First;
        Assert.That(await first.Locator(".text").InnerTextAsync(), Is.EqualTo("Comprovante\n\nSegue o comprovante <b>pago</b>. CPF ***.982.247-**."),
            "the new text only, markup as text, the CPF masked");
        var details = first.Locator("details.quoted");
        Assert.That(await details.GetAttributeAsync("open"), Is.Null, "the history starts folded");
        Assert.That(await details.Locator("pre").IsVisibleAsync(), Is.False);
        await details.Locator("summary").ClickAsync();
        await Assertions.Expect(details.Locator("pre")).ToBeVisibleAsync();
        Assert.That(await details.Locator("pre").InnerTextAsync(), Does.Contain("> Envie o comprovante."));
        Assert.That(await page.GetAttributeAsync("#reply", "maxlength"), Is.EqualTo("20000"), "an e-mail answer may be a letter");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("email-conversation.png"), FullPage = true });

        // The clerk reveals the CPF: shown, and recorded in the audit trail.
        await first.Locator("button.reveal").ClickAsync();
        await Assertions.Expect(first.Locator(".text")).ToContainTextAsync("CPF 529.982.247-25.");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a.attachment"));
        Assert.That(download.SuggestedFilename, Is.EqualTo("comprovante de pagamento.pdf"));
        Assert.That(await File.ReadAllTextAsync((await download.PathAsync())!), Is.EqualTo("%PDF-1.4 teste"));

        await page.FillAsync("#reply", "Recebido, obrigado. Vamos juntar ao processo.");
        await page.ClickAsync("form.reply button");
        var answer = (await ReceivedAsync(citizen, 2)).Single(m => m.Headers["Auto-Submitted"] is null);
        Assert.That(answer.Subject, Is.EqualTo("Re: Comprovante"));
        Assert.That(answer.TextBody, Does.StartWith("Recebido, obrigado."));
    }
}
