using System.Globalization;
using System.Text;

namespace Backprop.Data.Formats;

/// <summary>A strict parser for the Python literal that forms an NPY header, e.g.
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>. It accepts only dicts, tuples, lists,
/// quoted strings without escapes, integers, True, False and None (numpy uses <c>ast.literal_eval</c>; nothing is
/// ever evaluated). Values are returned as <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>,
/// <c>null</c>, <c>List&lt;object?&gt;</c> (tuples and lists) and <c>Dictionary&lt;string, object?&gt;</c>.</summary>
internal sealed class PythonLiteral
{
    private const int MaxDepth = 8;
    private readonly string _text;
    private readonly string _file;
    private readonly long _baseOffset;
    private int _position;

    private PythonLiteral(string text, string file, long baseOffset)
    {
        _text = text;
        _file = file;
        _baseOffset = baseOffset;
    }

    public sealed record Tuple(List<object?> Items);

    public static Dictionary<string, object?> ParseDict(string text, string file, long baseOffset)
    {
        var parser = new PythonLiteral(text, file, baseOffset);
        parser.SkipSpace();
        if (parser.Peek() != '{')
        {
            throw parser.Error("'{' opening the header dict", parser.Describe());
        }

        var value = (Dictionary<string, object?>)parser.ParseValue(0)!;
        parser.SkipSpace();
        if (parser._position != text.Length)
        {
            throw parser.Error("end of header after the dict", parser.Describe());
        }

        return value;
    }

    private object? ParseValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting at most {MaxDepth} deep", "deeper nesting");
        }

        SkipSpace();
        char c = Peek();
        switch (c)
        {
            case '{':
                return ParseDictBody(depth);
            case '(':
                return new Tuple(ParseSequence('(', ')', depth));
            case '[':
                return ParseSequence('[', ']', depth);
            case '\'':
            case '"':
                return ParseString();
            default:
                if (c == '-' || char.IsAsciiDigit(c))
                {
                    return ParseInteger();
                }

                if (TryWord("True"))
                {
                    return true;
                }

                if (TryWord("False"))
                {
                    return false;
                }

                if (TryWord("None"))
                {
                    return null;
                }

                throw Error("a Python literal (dict, tuple, string, integer, True, False, None)", Describe());
        }
    }

    private Dictionary<string, object?> ParseDictBody(int depth)
    {
        _position++;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                _position++;
                return result;
            }

            long keyOffset = _position;
            if (Peek() is not ('\'' or '"'))
            {
                throw Error("a quoted dict key or '}'", Describe());
            }

            string key = ParseString();
            SkipSpace();
            Expect(':');
            object? value = ParseValue(depth + 1);
            if (!result.TryAdd(key, value))
            {
                throw DataFormatException.AtOffset(_file, _baseOffset + keyOffset, "distinct dict keys", $"key '{key}' twice");
            }

            SkipSpace();
            if (Peek() == ',')
            {
                _position++;
            }
            else if (Peek() != '}')
            {
                throw Error("',' or '}' in the header dict", Describe());
            }
        }
    }

    private List<object?> ParseSequence(char open, char close, int depth)
    {
        _position++;
        var items = new List<object?>();
        bool sawComma = false;
        while (true)
        {
            SkipSpace();
            if (Peek() == close)
            {
                _position++;
                if (open == '(' && items.Count == 1 && !sawComma)
                {
                    // "(3)" is a parenthesised integer in Python, not a tuple; numpy never writes it.
                    throw Error("a one-element tuple written with a trailing comma, e.g. (3,)", "(value) without a comma");
                }

                return items;
            }

            items.Add(ParseValue(depth + 1));
            SkipSpace();
            if (Peek() == ',')
            {
                _position++;
                sawComma = true;
            }
            else if (Peek() != close)
            {
                throw Error($"',' or '{close}'", Describe());
            }
        }
    }

    private string ParseString()
    {
        char quote = _text[_position];
        int start = ++_position;
        while (_position < _text.Length && _text[_position] != quote)
        {
            char c = _text[_position];
            if (c == '\\' || c == '\n' || c == '\r')
            {
                throw Error("a plain quoted string (no escapes or line breaks)", $"'{Printable(c)}' inside a string");
            }

            _position++;
        }

        if (_position >= _text.Length)
        {
            throw Error($"closing {quote}", "end of header");
        }

        return _text[start.._position++];
    }

    private long ParseInteger()
    {
        int start = _position;
        if (Peek() == '-')
        {
            _position++;
        }

        int digitsStart = _position;
        while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
        {
            _position++;
        }

        if (_position == digitsStart || _position - digitsStart > 19)
        {
            _position = start;
            throw Error("an integer of at most 19 digits", Describe());
        }

        if (!long.TryParse(_text.AsSpan(start, _position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            _position = start;
            throw Error("an integer that fits in 64 bits", Describe());
        }

        return value;
    }

    private bool TryWord(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            return false;
        }

        int end = _position + word.Length;
        if (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_'))
        {
            return false;
        }

        _position = end;
        return true;
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"'{c}'", Describe());
        }

        _position++;
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private string Describe()
    {
        if (_position >= _text.Length)
        {
            return "end of header";
        }

        var sb = new StringBuilder("'");
        for (int i = _position; i < Math.Min(_text.Length, _position + 12); i++)
        {
            sb.Append(Printable(_text[i]));
        }

        return sb.Append('\'').ToString();
    }

    private static string Printable(char c) => c is >= ' ' and < (char)0x7f ? c.ToString() : $"\\u{(int)c:x4}";

    private DataFormatException Error(string expected, string found)
        => DataFormatException.AtOffset(_file, _baseOffset + _position, expected, found);
}
