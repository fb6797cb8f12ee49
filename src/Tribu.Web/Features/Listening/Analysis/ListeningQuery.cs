namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>A node of a parsed listening query.</summary>
public abstract record QueryNode;

/// <summary>What a term looks for: a word (or phrase), a #hashtag, or an @handle.</summary>
public enum QueryTermKind
{
    Word,
    Hashtag,
    Handle,
}

/// <summary>
/// A word, or a phrase of several words in order ("vélo électrique", or a hyphenated "vélo-cargo"), folded; with
/// <paramref name="Prefix"/>, the last word matches any word it begins ("recharg*").
/// </summary>
public sealed record QueryTerm(IReadOnlyList<string> Words, bool Prefix, QueryTermKind Kind, int Position) : QueryNode;

/// <summary>Every child matches.</summary>
public sealed record QueryAnd(IReadOnlyList<QueryNode> Children) : QueryNode;

/// <summary>At least one child matches.</summary>
public sealed record QueryOr(IReadOnlyList<QueryNode> Children) : QueryNode;

/// <summary>The child does not match (NOT, SAUF, or a leading minus).</summary>
public sealed record QueryNot(QueryNode Child) : QueryNode;

/// <summary>
/// Why a query cannot be used: where (0-based character index and length in the query as typed), a resource key of
/// <c>UiStrings</c> for the message, and its arguments (<see cref="Arguments"/>: the 1-based position, then the
/// offending token).
/// </summary>
public sealed record QueryError(int Position, int Length, string Key, string Token = "")
{
    /// <summary>Arguments for the message: {0} the position counted from 1, {1} the token.</summary>
    public object[] Arguments => [Position + 1, Token];
}

/// <summary>The outcome of <see cref="ListeningQuery.Parse"/>: a query, or the errors that prevent one.</summary>
public sealed record QueryParseResult(ListeningQuery? Query, IReadOnlyList<QueryError> Errors)
{
    public bool Success => Query is not null;
}

/// <summary>
/// A listening query ("veille"): words and "quoted phrases" (also « guillemets »), AND / OR / NOT and their French
/// forms ET / OU / SAUF (written in capitals: in lowercase they are words), an implicit AND between terms,
/// parentheses, <c>-term</c> to exclude, <c>recharg*</c> for a word's beginning, #hashtags and @handles. OR binds
/// looser than AND: <c>a b OR c</c> is <c>(a AND b) OR c</c>. Matching ignores case and accents and works on whole
/// words. Parse once when the query is saved or edited; match each mention's <see cref="MentionWords"/>.
/// </summary>
public sealed class ListeningQuery
{
    public const int MaxLength = 2000;
    public const int MaxDepth = 20;
    public const int MinPrefixLength = 3;

    private readonly Matcher _matcher;

    private ListeningQuery(string text, QueryNode root)
    {
        Text = text;
        Root = root;
        _matcher = Matcher.Compile(root);
    }

    /// <summary>The query as typed.</summary>
    public string Text { get; }

    public QueryNode Root { get; }

    /// <summary>Whether the mention matches the query.</summary>
    public bool Matches(MentionWords mention) => _matcher.Matches(mention);

    public static QueryParseResult Parse(string? text)
    {
        text ??= "";
        if (text.Length > MaxLength) return Failed(new QueryError(MaxLength, text.Length - MaxLength, ErrorKeys.TooLong, MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var lexer = new Lexer(text);
        var tokens = lexer.Tokens();
        if (lexer.Errors.Count > 0) return new QueryParseResult(null, lexer.Errors);
        if (tokens.Count == 0) return Failed(new QueryError(0, text.Length, ErrorKeys.Empty));
        var parser = new Parser(tokens);
        var root = parser.Parse();
        if (root is null) return new QueryParseResult(null, parser.Errors);
        if (!HasPositive(root)) return Failed(new QueryError(0, text.Length, ErrorKeys.OnlyExclusions));
        return new QueryParseResult(new ListeningQuery(text, root), []);
    }

    private static QueryParseResult Failed(QueryError error) => new(null, [error]);

    // Whether the query needs something to be present: a query of exclusions alone would match almost everything.
    private static bool HasPositive(QueryNode node) => node switch
    {
        QueryTerm => true,
        QueryNot => false,
        QueryAnd and => and.Children.Any(HasPositive),
        QueryOr or => or.Children.All(HasPositive),
        _ => false,
    };

    /// <summary>The resource keys of parse errors (in UiStrings, English and French).</summary>
    public static class ErrorKeys
    {
        public const string Empty = "Listening.Query.Empty";
        public const string TooLong = "Listening.Query.TooLong";
        public const string TooDeep = "Listening.Query.TooDeep";
        public const string UnclosedParenthesis = "Listening.Query.UnclosedParenthesis";
        public const string UnexpectedParenthesis = "Listening.Query.UnexpectedParenthesis";
        public const string EmptyParentheses = "Listening.Query.EmptyParentheses";
        public const string UnclosedQuote = "Listening.Query.UnclosedQuote";
        public const string EmptyQuote = "Listening.Query.EmptyQuote";
        public const string DanglingOperator = "Listening.Query.DanglingOperator";
        public const string MissingOperand = "Listening.Query.MissingOperand";
        public const string OnlyExclusions = "Listening.Query.OnlyExclusions";
        public const string MisplacedWildcard = "Listening.Query.MisplacedWildcard";
        public const string WildcardTooShort = "Listening.Query.WildcardTooShort";
        public const string NotAWord = "Listening.Query.NotAWord";

        public static IReadOnlyList<string> All { get; } =
            [Empty, TooLong, TooDeep, UnclosedParenthesis, UnexpectedParenthesis, EmptyParentheses, UnclosedQuote, EmptyQuote,
             DanglingOperator, MissingOperand, OnlyExclusions, MisplacedWildcard, WildcardTooShort, NotAWord];
    }

    private enum Kind
    {
        Term,
        And,
        Or,
        Not,
        Minus,
        Open,
        Close,
    }

    private sealed record Token(Kind Kind, int Position, int Length, string Text, QueryTerm? Term = null);

    private sealed class Lexer(string text)
    {
        public List<QueryError> Errors { get; } = [];

        public List<Token> Tokens()
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }
                if (c is '(' or ')')
                {
                    tokens.Add(new Token(c == '(' ? Kind.Open : Kind.Close, i, 1, c.ToString()));
                    i++;
                    continue;
                }
                if (c == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]) && text[i + 1] != ')')
                {
                    tokens.Add(new Token(Kind.Minus, i, 1, "-"));
                    i++;
                    continue;
                }
                if (c is '"' or '«' or '“')
                {
                    var closing = c switch { '«' => '»', '“' => '”', _ => '"' };
                    var end = text.IndexOf(closing, i + 1);
                    if (end < 0 && c == '“') end = text.IndexOf('"', i + 1);
                    if (end < 0)
                    {
                        Errors.Add(new QueryError(i, text.Length - i, ErrorKeys.UnclosedQuote, c.ToString()));
                        return tokens;
                    }
                    var inner = text[(i + 1)..end];
                    var words = MentionWords.WordsOf(inner);
                    if (words.Count == 0) Errors.Add(new QueryError(i, end - i + 1, ErrorKeys.EmptyQuote, text[i..(end + 1)]));
                    else tokens.Add(new Token(Kind.Term, i, end - i + 1, text[i..(end + 1)], new QueryTerm(words, false, QueryTermKind.Word, i)));
                    i = end + 1;
                    continue;
                }
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '(' and not ')' and not '"' and not '«' and not '“') i++;
                var raw = text[start..i];
                tokens.Add(raw switch
                {
                    "AND" or "ET" or "&&" => new Token(Kind.And, start, raw.Length, raw),
                    "OR" or "OU" or "||" => new Token(Kind.Or, start, raw.Length, raw),
                    "NOT" or "SAUF" => new Token(Kind.Not, start, raw.Length, raw),
                    _ => Term(raw, start),
                });
            }
            return tokens;
        }

        private Token Term(string raw, int position)
        {
            var token = new Token(Kind.Term, position, raw.Length, raw);
            var prefix = raw.EndsWith('*');
            var body = prefix ? raw.TrimEnd('*') : raw;
            var star = body.IndexOf('*', StringComparison.Ordinal);
            if (star >= 0)
            {
                Errors.Add(new QueryError(position + star, 1, ErrorKeys.MisplacedWildcard, raw));
                return token;
            }
            var kind = QueryTermKind.Word;
            if (body.Length > 1 && body[0] is '#' or '@' && MentionText.IsHandleChar(body[1]))
            {
                kind = body[0] == '#' ? QueryTermKind.Hashtag : QueryTermKind.Handle;
                body = body[1..];
            }
            var words = kind == QueryTermKind.Word ? MentionWords.WordsOf(body) : HandleWord(body);
            if (words.Count == 0)
            {
                Errors.Add(new QueryError(position, raw.Length, ErrorKeys.NotAWord, raw));
                return token;
            }
            if (prefix && words[^1].Length < MinPrefixLength)
            {
                Errors.Add(new QueryError(position, raw.Length, ErrorKeys.WildcardTooShort, raw));
                return token;
            }
            return token with { Term = new QueryTerm(words, prefix, kind, position) };
        }

        // A hashtag or handle is one word, underscores and all: "#velo_cargo", "@veloria_fr".
        private static List<string> HandleWord(string body)
        {
            var folded = TextFold.Fold(body);
            var end = 0;
            while (end < folded.Length && MentionText.IsHandleChar(folded[end])) end++;
            return end == 0 ? [] : [folded[..end]];
        }
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _next;
        private int _depth;

        public List<QueryError> Errors { get; } = [];

        public QueryNode? Parse()
        {
            try
            {
                var root = ParseOr();
                if (_next < tokens.Count)
                {
                    var stray = tokens[_next];
                    Fail(stray, stray.Kind == Kind.Close ? ErrorKeys.UnexpectedParenthesis : ErrorKeys.DanglingOperator);
                }
                return root;
            }
            catch (QuerySyntaxException)
            {
                return null;
            }
        }

        private Token? Peek => _next < tokens.Count ? tokens[_next] : null;

        private QueryNode ParseOr()
        {
            var children = new List<QueryNode> { ParseAnd() };
            while (Peek is { Kind: Kind.Or } or)
            {
                _next++;
                RequireOperandAfter(or, ErrorKeys.DanglingOperator);
                children.Add(ParseAnd());
            }
            return children.Count == 1 ? children[0] : new QueryOr(children);
        }

        private QueryNode ParseAnd()
        {
            var children = new List<QueryNode> { ParseUnary() };
            while (Peek is { } next)
            {
                if (next.Kind == Kind.And)
                {
                    _next++;
                    RequireOperandAfter(next, ErrorKeys.DanglingOperator);
                }
                else if (next.Kind is not (Kind.Term or Kind.Open or Kind.Not or Kind.Minus))
                {
                    break;
                }
                children.Add(ParseUnary());
            }
            return children.Count == 1 ? children[0] : new QueryAnd(children);
        }

        private QueryNode ParseUnary()
        {
            if (Peek is { Kind: Kind.Not or Kind.Minus } not)
            {
                _next++;
                RequireOperandAfter(not, ErrorKeys.MissingOperand);
                return new QueryNot(ParseUnary());
            }
            return ParsePrimary();
        }

        private QueryNode ParsePrimary()
        {
            var token = Peek;
            switch (token?.Kind)
            {
                case Kind.Term:
                    _next++;
                    return token.Term!;
                case Kind.Open:
                    _next++;
                    if (Peek is { Kind: Kind.Close } close) Fail(token, ErrorKeys.EmptyParentheses, close.Position - token.Position + 1);
                    if (++_depth > MaxDepth) Fail(token, ErrorKeys.TooDeep, 1, MaxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    var inner = ParseOr();
                    _depth--;
                    if (Peek is not { Kind: Kind.Close }) Fail(token, ErrorKeys.UnclosedParenthesis);
                    _next++;
                    return inner;
                case Kind.Close:
                    Fail(token, ErrorKeys.UnexpectedParenthesis);
                    break;
                case Kind.And or Kind.Or:
                    Fail(token, ErrorKeys.DanglingOperator);
                    break;
            }
            // Unreachable: every caller checks that an operand follows.
            throw new QuerySyntaxException();
        }

        private void RequireOperandAfter(Token op, string key)
        {
            if (Peek is null or { Kind: Kind.Close or Kind.And or Kind.Or }) Fail(op, key);
        }

        private void Fail(Token token, string key, int? length = null, string? text = null)
        {
            Errors.Add(new QueryError(token.Position, length ?? token.Length, key, text ?? token.Text));
            throw new QuerySyntaxException();
        }
    }

    private sealed class QuerySyntaxException : Exception;

    /// <summary>The query compiled for matching: terms hold their folded words, ready for set look-ups.</summary>
    private abstract class Matcher
    {
        public abstract bool Matches(MentionWords mention);

        public static Matcher Compile(QueryNode node) => node switch
        {
            QueryTerm term => Compile(term),
            QueryAnd and => new AllOf([.. and.Children.Select(Compile).OrderBy(m => m is Not ? 1 : 0)]),
            QueryOr or => new AnyOf([.. or.Children.Select(Compile)]),
            QueryNot not => new Not(Compile(not.Child)),
            _ => throw new ArgumentOutOfRangeException(nameof(node)),
        };

        private static Matcher Compile(QueryTerm term) => term switch
        {
            { Kind: QueryTermKind.Hashtag } => term.Prefix ? new TagPrefix("#" + term.Words[0]) : new Exact("#" + term.Words[0]),
            { Kind: QueryTermKind.Handle } => term.Prefix ? new TagPrefix("@" + term.Words[0]) : new Exact("@" + term.Words[0]),
            { Words.Count: 1, Prefix: false } => new Exact(term.Words[0]),
            { Words.Count: 1, Prefix: true } => new Prefix(term.Words[0]),
            _ => new Phrase([.. term.Words], term.Prefix),
        };

        private sealed class Exact(string word) : Matcher
        {
            public override bool Matches(MentionWords mention) => mention.Contains(word);
        }

        private sealed class Prefix(string start) : Matcher
        {
            public override bool Matches(MentionWords mention)
            {
                foreach (var word in mention.Span)
                {
                    if (word.StartsWith(start, StringComparison.Ordinal)) return true;
                }
                return false;
            }
        }

        private sealed class TagPrefix(string start) : Matcher
        {
            public override bool Matches(MentionWords mention)
            {
                foreach (var tag in mention.Tags)
                {
                    if (tag.StartsWith(start, StringComparison.Ordinal)) return true;
                }
                return false;
            }
        }

        private sealed class Phrase(string[] words, bool prefix) : Matcher
        {
            public override bool Matches(MentionWords mention)
            {
                if (!mention.Contains(words[0])) return false;
                var all = mention.Span;
                for (var i = 0; i + words.Length <= all.Length; i++)
                {
                    var k = 0;
                    for (; k < words.Length; k++)
                    {
                        var last = k == words.Length - 1;
                        var hit = last && prefix ? all[i + k].StartsWith(words[k], StringComparison.Ordinal) : all[i + k] == words[k];
                        if (!hit) break;
                    }
                    if (k == words.Length) return true;
                }
                return false;
            }
        }

        private sealed class AllOf(Matcher[] children) : Matcher
        {
            public override bool Matches(MentionWords mention)
            {
                foreach (var child in children)
                {
                    if (!child.Matches(mention)) return false;
                }
                return true;
            }
        }

        private sealed class AnyOf(Matcher[] children) : Matcher
        {
            public override bool Matches(MentionWords mention)
            {
                foreach (var child in children)
                {
                    if (child.Matches(mention)) return true;
                }
                return false;
            }
        }

        private sealed class Not(Matcher child) : Matcher
        {
            public override bool Matches(MentionWords mention) => !child.Matches(mention);
        }
    }
}
