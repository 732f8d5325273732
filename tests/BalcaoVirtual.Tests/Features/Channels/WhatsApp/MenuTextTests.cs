using BalcaoVirtual.Web.Features.Channels.Meta;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Tests.Features.Channels.WhatsApp;

/// <summary>The chatbot's numbered menus found in its replies, and offered as Meta's lists and buttons within Meta's limits.</summary>
public sealed class MenuTextTests
{
    [Test]
    public void Find_TakesTheBotMenu_AndKeepsTheRestAsBody()
    {
        var menu = MenuText.Find(Texts.Get("BotMenu"));

        Assert.That(menu, Is.Not.Null);
        Assert.That(menu!.Value.Options.Select(o => o.Number), Is.EqualTo(new[] { "1", "2", "3", "4" }));
        Assert.That(menu.Value.Options[2].Label, Is.EqualTo("Atendimento por vídeo (Google Meet)"));
        Assert.That(menu.Value.Body, Does.StartWith("Como posso ajudar?").And.Contain("Escreva menu para voltar aqui"));
        Assert.That(menu.Value.Body, Does.Not.Contain("1 - "));
    }

    [TestCase("Seu processo está na fase 1 - conhecimento.")]
    [TestCase("Datas:\n2 - segunda\n3 - terça")]
    [TestCase("1 - só uma opção")]
    [TestCase("Sem menu nenhum.")]
    public void Find_IgnoresTextThatIsNotAMenu(string text) => Assert.That(MenuText.Find(text), Is.Null);

    [Test]
    public void Interactive_IsAListForFourOptions_ButtonsForFewer_WithinMetasLimits()
    {
        var list = MetaTransport.Interactive(Texts.Get("BotMenu"))!;
        Assert.That((string?)list["type"], Is.EqualTo("list"));
        var rows = list["action"]!["sections"]![0]!["rows"]!.AsArray();
        Assert.That(rows.Select(r => (string?)r!["id"]), Is.EqualTo(new[] { "1", "2", "3", "4" }));
        Assert.That(rows.All(r => ((string?)r!["title"])!.Length <= 24), "row titles at most 24");
        Assert.That((string?)rows[2]!["description"], Is.EqualTo("Atendimento por vídeo (Google Meet)"), "the full label when the title is cut");

        var buttons = MetaTransport.Interactive("Quer deixar uma mensagem?\n1 - Sim, deixar mensagem por escrito\n2 - Não")!;
        Assert.That((string?)buttons["type"], Is.EqualTo("button"));
        Assert.That(buttons["action"]!["buttons"]!.AsArray().Select(b => ((string?)b!["reply"]!["title"])!.Length), Is.All.LessThanOrEqualTo(20));

        Assert.That(MetaTransport.Interactive(new string('a', 1100) + "\n1 - a\n2 - b"), Is.Null, "too long for an interactive body: plain text");
    }
}
