using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Appointments;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>
/// Booking a video call on the public page, in Chromium at 360 px with JavaScript off: from the unit's page to the
/// form, a form sent wrong (every field said beside it, nothing booked), then right (the confirmation by SMS from the
/// unit's number), the same phone again beyond the unit's limit, and a confirmation by WhatsApp through the court's
/// approved template. The service's clock is Monday 23/11/2026, 9h in Belém.
/// </summary>
public sealed class PublicBookingPageTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private const string ContentSid = "HX0123456789abcdef0123456789abcd02";

    [Test]
    public async Task Citizen_BooksWithoutJavaScript_IsToldWhatToFix_AndGetsTheConfirmationByTheChannelChosen()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Appointments:ReminderCron"] = CaseAlertTests.NeverInATest,
            ["WhatsApp:AppointmentBooked:TwilioContentSid"] = ContentSid,
            ["WhatsApp:AppointmentReminder:TwilioContentSid"] = "HX0123456789abcdef0123456789abcd03", // reminders can reach a WhatsApp booking too
        }, kestrel: true);
        var book = bot.Factory.Services.GetRequiredService<AppointmentBook>();
        async Task<int> BookedAsync() => (await book.AgendaAsync(Macapa, bot.Factory.Time.GetUtcNow(), bot.Factory.Time.GetUtcNow().AddDays(30))).Count;

        await using var browser = await SystemChromium.SessionAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 }, Locale = "pt-BR", JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{bot.BaseUrl}/unidades/{Macapa}");
        await page.ClickAsync("text=Marcar horário por vídeo");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Marcar atendimento por vídeo – 7ª Vara do Trabalho de Macapá");
        await Assertions.Expect(page.Locator("#horario input[type=radio]").First).ToHaveAttributeAsync("value", "2026-11-23T11:00:00-03:00");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("public-booking-360.png"), FullPage = true });

        // Sent with nothing chosen and a wrong phone: each field says why, nothing is booked.
        await page.FillAsync("#contato", "98111");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("Não foi possível marcar");
        foreach (var (field, text) in new[]
                 {
                     ("horario", "Escolha um dos horários."), ("nome", "Escreva seu nome."), ("canal", "Escolha como quer receber a confirmação."),
                     ("assunto", "Escreva o assunto (até 140 letras)."),
                 })
        {
            await Assertions.Expect(page.Locator($"#{field}-erro")).ToHaveTextAsync(text);
        }

        Assert.That(await BookedAsync(), Is.Zero);
        await page.CheckAsync("#c-sms");
        await page.CheckAsync("#horario input[type=radio] >> nth=0");
        await page.FillAsync("#nome", "<i>Joana</i>");
        await page.FillAsync("#assunto", "Acordo do processo " + ChatbotTranscriptTests.Macapa.Canonical);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#contato-erro")).ToHaveTextAsync("Escreva o celular com DDD, por exemplo (96) 98123-4567.");
        Assert.That(await page.InputValueAsync("#nome"), Is.EqualTo("<i>Joana</i>"), "what was typed stays");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("public-booking-errors-360.png"), FullPage = true });

        await page.FillAsync("#contato", "(96) 98111-5000");
        await page.CheckAsync("#horario input[type=radio] >> nth=0");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".bv-done")).ToHaveTextAsync(
            "Pronto! Atendimento por vídeo marcado: segunda-feira, 23/11, às 11h (horário de Belém). A confirmação foi enviada por SMS.");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("public-booking-done-360.png"), FullPage = true });
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0 && !bot.Twilio.Requests.IsEmpty, TimeSpan.FromSeconds(20), "the confirmation");
        var sms = bot.Twilio.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That((sms.To, sms.From), Is.EqualTo(("+5596981115000", "+559621010211")), "from the unit's SMS number");
            Assert.That(sms.Body, Is.EqualTo("Balcão Virtual: atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá: segunda-feira, 23/11, às 11h (horário de Belém). " +
                "O link chega por aqui 30 minutos antes. Para desmarcar ou mudar, responda cancelar ou remarcar."));
        });
        var booked = (await book.AgendaAsync(Macapa, bot.Factory.Time.GetUtcNow(), bot.Factory.Time.GetUtcNow().AddDays(30))).Single();
        Assert.That((booked.Name, booked.Via, booked.Cases.Single()), Is.EqualTo(("<i>Joana</i>", "page", ChatbotTranscriptTests.Macapa.Canonical)));

        // The same phone again: beyond the unit's limit of one.
        await page.GotoAsync($"{bot.BaseUrl}/unidades/{Macapa}/agendar");
        await page.CheckAsync("#horario input[type=radio] >> nth=0");
        await page.FillAsync("#nome", "Joana");
        await page.CheckAsync("#c-sms");
        await page.FillAsync("#contato", "96981115000");
        await page.FillAsync("#assunto", "outro");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("Não foi possível marcar para este contato: cada pessoa pode ter até 1 atendimento(s)");
        Assert.That(await BookedAsync(), Is.EqualTo(1));

        // By WhatsApp: the court writes first, so the approved template carries it.
        await page.GotoAsync($"{bot.BaseUrl}/unidades/{Macapa}/agendar");
        await page.CheckAsync("#horario input[type=radio] >> nth=1");
        await page.FillAsync("#nome", "Rui");
        await page.CheckAsync("#c-whatsapp");
        await page.FillAsync("#contato", "(96) 98111-6000");
        await page.FillAsync("#assunto", "alvará");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".bv-done")).ToContainTextAsync("A confirmação foi enviada por WhatsApp.");
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0 && bot.Twilio.Requests.Count == 2, TimeSpan.FromSeconds(20), "the WhatsApp confirmation");
        var whatsApp = bot.Twilio.Requests.Last();
        Assert.That((whatsApp.To, whatsApp.ContentSid), Is.EqualTo(("whatsapp:+5596981116000", (string?)ContentSid)));
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(whatsApp.ContentVariables!)!;
        Assert.That(values["1"], Is.EqualTo("7ª Vara do Trabalho de Macapá"));
    }
}
