using System.Collections.Frozen;

namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>A language guess: fr, en or other, with how sure it is (0 to 1).</summary>
public readonly record struct LanguageGuess(string Language, double Confidence);

/// <summary>
/// Tells French from English from anything else in short social-media texts. Each word votes for the languages it is
/// frequent in (function words and everyday words of French, English, Spanish, Italian, Portuguese, German and Dutch),
/// and so do telling letters (ç, ê, ñ, ß…), elisions (c', j', qu'… versus n't, 's, 'm) and letter groups (eau, th, sch,
/// ción…). Links, @handles and hashtags do not vote: they are often in another language than the text. A guess needs
/// enough votes and a clear lead over the runner-up (its confidence is its share of the two); otherwise, or when a
/// third language wins, it is "other".
/// </summary>
public static class LanguageDetector
{
    /// <summary>Below this many votes for the leader, a text is too short to tell.</summary>
    public const double MinimumEvidence = 1.5;

    /// <summary>The leader's share of its and the runner-up's votes needed to call it (0.6: half as many again).</summary>
    public const double MinimumConfidence = 0.6;

    private enum Lang { Fr, En, Es, It, Pt, De, Nl, Count }

    private const int LangCount = (int)Lang.Count;

    // Words (folded: lowercase, no accents) and the languages they are frequent in. A word frequent in several
    // languages splits its vote among them.
    private static readonly FrozenDictionary<string, Lang[]> WordLanguages = BuildWords();
    private static readonly FrozenDictionary<string, Lang[]>.AlternateLookup<ReadOnlySpan<char>> WordLookup = WordLanguages.GetAlternateLookup<ReadOnlySpan<char>>();

    private static FrozenDictionary<string, Lang[]> BuildWords()
    {
        var words = new Dictionary<string, List<Lang>>(StringComparer.Ordinal);
        void Add(Lang lang, string list)
        {
            foreach (var w in list.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                var folded = TextFold.Fold(w);
                if (!words.TryGetValue(folded, out var langs)) words[folded] = langs = [];
                if (!langs.Contains(lang)) langs.Add(lang);
            }
        }
        Add(Lang.Fr, """
            le la les un une des du de au aux et est sont suis es sommes etes ai as avons avez ont pas ne plus jamais rien que qui quoi dont
            ou où je tu il elle on nous vous ils elles me te se moi toi lui leur leurs mon ma mes ton ta tes son sa ses notre nos votre vos
            ce cet cette ces ça cela ceci dans sur sous avec sans pour par chez entre depuis pendant avant après mais donc car comme quand
            si aussi très trop bien mal peu beaucoup encore toujours déjà même tout tous toute toutes autre autres quel quelle quels
            été être avoir fait faire peut peux veux veut dois doit vais va vont allez fois jour jours hier aujourd hui demain merci bonjour
            salut oui non voilà alors enfin vraiment franchement super génial nul top trop mdr ptdr jpp tkt stp svp bcp pk pq parce
            chose truc ici là-bas voici quelqu quelque chaque aucun aucune personne vélo vélos batterie livraison commande service client
            clients nouveau nouvelle nouveaux mois semaine semaines ans heure heures acheté reçu marche fonctionne depuis encore vite
            content contente déçu déçue heureux heureuse adore aime j c l d qu n s m t jusqu lorsqu puisqu y en elle eux sera serait était
            avait avaient étaient fut soit leur moins autant tellement plutôt assez vers chez comment pourquoi combien où voir dire
            a à lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre octobre
            novembre décembre matin soir nuit semaine année an prochain prochaine dernier dernière premier première deuxième petit petite
            grand grande gros vieux vieille nouveau neuf longue long court mieux pire ville rue magasin boutique prix euros achat acheter
            vendre vendu réparation réparer pièce pièces garantie retour retours avis question réponse problème souci quelqu'un
            quelqu un personne gens membres équipe mise jour appli application site ligne livré reçue envoyé prévu disponible nouvelle
            annonce annoncé lance présente présenté ouvre ouverture passe passer reste rester prend prendre trouve trouver cherche
            chercher pense penser sais savoir connaît dit dire donne donner met mettre vient venir part partir tient faut falloir
            depuis chaque plusieurs beaucoup environ presque seulement vraiment aussi encore toujours jamais souvent parfois
            notice claire clair parfait entier dehors hiver été printemps automne pluie froid chaud roue roues freins moteur cadre
            selle pneus chaîne chargeur écran
            """);
        Add(Lang.En, """
            the a an and or but is are was were be been being am have has had having do does did done not no never nothing i you he she it
            we they me him her us them my your his its our their this that these those there here what which who whom whose when where
            why how all any both each few more most other some such only own same so than too very can will just should would could
            now of at by for with about against between into through during before after above below to from up down in out on off over
            under again further then once thanks thank please hello hi yes yeah lol omg wtf smh tbh ty thx imo idk btw guys
            bike bikes battery delivery order customer support still waiting got get getting really love hate great good bad awful
            new just today yesterday week weeks months month day days since ever anyone everyone someone something anything everything
            isnt dont doesnt didnt cant wont wasnt arent havent hasnt im ive youre its thats theres whats
            finally because also even much many way back going gonna wanna think know want need make made best worst better worse
            monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september
            october november december morning evening night week year next last first second little big old new long short better
            city street store shop price buy bought sell sold repair part parts warranty return returns review question answer
            anyone people members team update app website online available announces announced launches launch opens opening
            reports results funding round million billion resume resumes workshop workshops rental subscription version free
            nice move clear instructions installed arrived ordered shipped delivered flawless perfect minutes hours rear front
            wheel wheels brakes motor frame saddle tires tire chain charger screen display usual as usual while with without
            """);
        Add(Lang.Es, """
            el la los las un una unos unas y o pero es son está están estoy fue ser estar muy más menos que qué de del al en con sin por
            para como cuando donde porque pues también ya todavía aquí allí hay tengo tiene tienen hace hacer mi mis tu tus su sus nuestro
            yo él ella nosotros ellos les le lo me te se nos gracias hola bueno buena buenos buenas malo mala nada todo todos este esta
            estos estas ese esa eso mucho mucha poco bien mal nunca siempre hoy ayer mañana bicicleta batería pedido envío
            """);
        Add(Lang.It, """
            il lo la i gli le un uno una e ed o ma è sono sei siamo era essere avere ho hai ha abbiamo hanno non più di del della dei
            delle degli al alla ai allo nel nella nei con per tra fra su da come quando dove perché anche ancora già molto poco tutto
            tutti questo questa questi quello quella che chi cosa io tu lui lei noi voi loro mi ti ci vi si mio mia tuo tua suo sua
            grazie ciao buongiorno bene male niente sempre mai oggi ieri domani bici batteria ordine consegna davvero troppo
            qualcuno qualcosa funziona funzionare stamattina stasera adesso ecco cioè però quindi allora oppure nuova nuovo bella bello
            """);
        Add(Lang.Pt, """
            o a os as um uma uns umas e ou mas é são está estão estou foi ser estar muito mais menos que de do da dos das no na nos nas
            em com sem por para pelo pela como quando onde porque também já ainda aqui ali há tenho tem têm eu ele ela nós eles elas
            me te se lhe meu minha teu tua seu sua nosso obrigado obrigada olá bom boa mau nada tudo todos este esta isso isto muito
            não nunca sempre hoje ontem amanhã bicicleta bateria pedido entrega você vocês
            """);
        Add(Lang.De, """
            der die das den dem des ein eine einen einem einer und oder aber ist sind war waren bin bist sein haben habe hat hatte
            nicht kein keine keinen mehr nie nichts ich du er sie es wir ihr mich mir dich dir uns euch mein meine dein deine sein
            seine unser unsere in im an am auf aus bei mit nach von vor zu zum zur für über unter durch gegen ohne um wie wann wo warum
            weil dass auch noch schon sehr viel wenig alles alle dieser diese dieses jetzt heute gestern morgen danke hallo gut
            schlecht immer wirklich endlich fahrrad akku lieferung bestellung kundenservice leider
            """);
        Add(Lang.Nl, """
            de het een en of maar is zijn was waren ben bent heb hebt heeft had niet geen meer nooit niets ik jij je hij zij ze wij we
            jullie mij me hem haar ons mijn jouw zijn onze in op aan bij met naar van voor uit over onder door zonder om hoe wanneer
            waar waarom omdat dat ook nog al heel veel weinig alles alle deze dit die nu vandaag gisteren morgen bedankt dank hallo
            goed slecht altijd echt eindelijk fiets accu bestelling levering klantenservice helaas
            """);
        return words.ToFrozenDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    // Letter groups inside words (folded, "^"/"$" for the word's edges) that lean to one language.
    private static readonly (string Gram, Lang Lang, double Weight)[] Grams =
    [
        ("eau", Lang.Fr, 0.6), ("eux$", Lang.Fr, 0.6), ("aux$", Lang.Fr, 0.4), ("oi", Lang.Fr, 0.3), ("ette$", Lang.Fr, 0.4),
        ("ez$", Lang.Fr, 0.4), ("aient$", Lang.Fr, 0.8), ("ique$", Lang.Fr, 0.3), ("eur$", Lang.Fr, 0.3), ("ais$", Lang.Fr, 0.3), ("ait$", Lang.Fr, 0.4), ("aire$", Lang.Fr, 0.4), ("oir$", Lang.Fr, 0.4),
        ("th", Lang.En, 0.5), ("wh", Lang.En, 0.5), ("ght", Lang.En, 0.6), ("ing$", Lang.En, 0.6), ("ly$", Lang.En, 0.5),
        ("ness$", Lang.En, 0.6), ("ful$", Lang.En, 0.5), ("ed$", Lang.En, 0.4), ("less$", Lang.En, 0.5), ("ay$", Lang.En, 0.3), ("ck", Lang.En, 0.2), ("w", Lang.En, 0.15), ("ee", Lang.En, 0.2), ("oo", Lang.En, 0.15),
        ("cion$", Lang.Es, 0.6), ("dad$", Lang.Es, 0.6), ("mente$", Lang.Es, 0.3), ("ll", Lang.Es, 0.15), ("os$", Lang.Es, 0.2),
        ("zione$", Lang.It, 0.7), ("gli", Lang.It, 0.6), ("zz", Lang.It, 0.4), ("cch", Lang.It, 0.5), ("tto$", Lang.It, 0.3), ("mente$", Lang.It, 0.3),
        ("cao$", Lang.Pt, 0.6), ("coes$", Lang.Pt, 0.6), ("nh", Lang.Pt, 0.4), ("lh", Lang.Pt, 0.5), ("mente$", Lang.Pt, 0.2),
        ("sch", Lang.De, 0.6), ("cht", Lang.De, 0.6), ("ung$", Lang.De, 0.6), ("lich$", Lang.De, 0.6), ("keit$", Lang.De, 0.7), ("tz", Lang.De, 0.4),
        ("ij", Lang.Nl, 0.6), ("aa", Lang.Nl, 0.5), ("uu", Lang.Nl, 0.5), ("sch", Lang.Nl, 0.3), ("oe", Lang.Nl, 0.2),
    ];

    /// <summary>Guesses the language of a plain text (see <see cref="MentionText.FromHtml"/>).</summary>
    public static LanguageGuess Detect(string text)
    {
        Span<double> votes = stackalloc double[LangCount];
        votes.Clear();
        Span<char> word = stackalloc char[64];
        Span<char> pair = stackalloc char[2];
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (MentionText.IsLinkStart(text, i))
            {
                i = MentionText.SkipNonSpace(text, i);
                continue;
            }
            if (c is '@' or '#' && i + 1 < text.Length && MentionText.IsHandleChar(text[i + 1]))
            {
                i++;
                while (i < text.Length && (MentionText.IsHandleChar(text[i]) || text[i] == '.')) i++;
                continue;
            }
            if (!TextFold.IsWordChar(c))
            {
                i++;
                continue;
            }
            var length = 0;
            var hasDigit = false;
            while (i < text.Length && TextFold.IsWordChar(text[i]))
            {
                var ch = text[i];
                hasDigit |= char.IsDigit(ch);
                LetterVote(ch, votes);
                var n = TextFold.Fold(ch, pair);
                if (length + n <= word.Length)
                {
                    pair[..n].CopyTo(word[length..]);
                }
                length += n;
                i++;
            }
            if (hasDigit || length > word.Length) continue;
            var w = word[..length];
            if (WordLookup.TryGetValue(w, out var langs))
            {
                foreach (var lang in langs) votes[(int)lang] += 1.0 / langs.Length;
            }
            GramVotes(w, votes);
            if (i + 1 < text.Length && TextFold.IsApostrophe(text[i]) && char.IsLetter(text[i + 1]))
            {
                i = ElisionVote(w, text, i + 1, votes);
            }
        }
        var best = 0;
        var second = -1;
        double total = 0;
        for (var l = 0; l < LangCount; l++)
        {
            total += votes[l];
            if (l != best && votes[l] > votes[best])
            {
                second = best;
                best = l;
            }
            else if (l != best && (second < 0 || votes[l] > votes[second]))
            {
                second = l;
            }
        }
        if (total <= 0 || votes[best] < MinimumEvidence) return new LanguageGuess(Languages.Other, 0);
        var confidence = votes[best] / (votes[best] + (second < 0 ? 0 : votes[second]));
        var language = (Lang)best switch
        {
            Lang.Fr => Languages.French,
            Lang.En => Languages.English,
            _ => Languages.Other,
        };
        if (language != Languages.Other && confidence < MinimumConfidence) return new LanguageGuess(Languages.Other, 1 - confidence);
        return new LanguageGuess(language, confidence);
    }

    private static void LetterVote(char c, Span<double> votes)
    {
        if (c < 0xC0) return;
        switch (char.ToLowerInvariant(c))
        {
            case 'é': Vote(votes, 0.5, Lang.Fr, Lang.Fr, Lang.Es, Lang.Pt); break;
            case 'è' or 'ê' or 'ë' or 'î' or 'ï' or 'û' or 'œ': Vote(votes, 0.6, Lang.Fr); break;
            case 'â' or 'ô': Vote(votes, 0.6, Lang.Fr, Lang.Fr, Lang.Pt); break;
            case 'à': Vote(votes, 0.4, Lang.Fr, Lang.It, Lang.Pt); break;
            case 'ç': Vote(votes, 0.6, Lang.Fr, Lang.Fr, Lang.Pt); break;
            case 'ù': Vote(votes, 0.6, Lang.Fr, Lang.It); break;
            case 'ñ' or '¿' or '¡': Vote(votes, 1.0, Lang.Es); break;
            case 'á' or 'í' or 'ó' or 'ú': Vote(votes, 0.6, Lang.Es, Lang.Pt); break;
            case 'ò' or 'ì': Vote(votes, 0.8, Lang.It); break;
            case 'ã' or 'õ': Vote(votes, 1.0, Lang.Pt); break;
            case 'ä' or 'ö' or 'ü' or 'ß': Vote(votes, 1.0, Lang.De); break;
        }
    }

    private static void Vote(Span<double> votes, double weight, params ReadOnlySpan<Lang> langs)
    {
        foreach (var lang in langs) votes[(int)lang] += weight / langs.Length;
    }

    private static void GramVotes(ReadOnlySpan<char> word, Span<double> votes)
    {
        if (word.Length < 3) return;
        foreach (var (gram, lang, weight) in Grams)
        {
            var atEnd = gram[^1] == '$';
            var g = atEnd ? gram.AsSpan(0, gram.Length - 1) : gram.AsSpan();
            if (atEnd ? word.EndsWith(g, StringComparison.Ordinal) : word.Contains(g, StringComparison.Ordinal)) votes[(int)lang] += weight;
        }
    }

    // c'est, j'ai, qu'il, l'appli… are French (l', un', dell' also Italian); don't, it's, I'm, you're are English.
    // Returns where to read on: after an English ending (its "s" or "t" is no word), else at the word after the apostrophe.
    private static int ElisionVote(ReadOnlySpan<char> left, string text, int rightStart, Span<double> votes)
    {
        var rightEnd = rightStart;
        while (rightEnd < text.Length && char.IsLetter(text[rightEnd])) rightEnd++;
        var right = text.AsSpan(rightStart, rightEnd - rightStart);
        if (right is "t" or "T" && left.Length > 1 && left[^1] == 'n')
        {
            votes[(int)Lang.En] += 1.5;
            return rightEnd;
        }
        if (right is "s" or "m" or "re" or "ve" or "ll" or "d" or "S" or "M" or "RE" or "VE" or "LL" or "D")
        {
            votes[(int)Lang.En] += 1.0;
            return rightEnd;
        }
        switch (left)
        {
            case "c" or "j" or "qu" or "n" or "s" or "m" or "t" or "jusqu" or "lorsqu" or "puisqu" or "aujourd":
                votes[(int)Lang.Fr] += 1.0;
                break;
            case "l" or "d":
                votes[(int)Lang.Fr] += 0.7;
                votes[(int)Lang.It] += 0.3;
                break;
            case "un" or "dell" or "all" or "nell" or "sull" or "dall" or "quest" or "com":
                votes[(int)Lang.It] += 1.0;
                break;
        }
        return rightStart;
    }
}
