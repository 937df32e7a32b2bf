using System.Runtime.CompilerServices;

namespace CommunitySdk.Collections;

/// <summary>
/// A leaderboard: members (dense ints) ordered by score, highest first, ties by the smaller member number.
/// Entries live in sorted blocks of at most <see cref="MaxBlock"/> (16-byte key/member pairs, contiguous);
/// a directory keeps the blocks in order with their first entries, and a Fenwick tree over block sizes gives
/// the number of entries before any block. Rank = Fenwick prefix + binary search inside one small block;
/// select = Fenwick descent + index; update = remove + insert, each a binary search and a short shift.
/// All O(log n) with a handful of cache lines touched, and nothing allocated per update (blocks and
/// arrays are reused; a split takes a block emptied earlier, and allocates one only while the board grows).
/// <c>SortedSet&lt;T&gt;</c> cannot do this: it has no rank.
/// </summary>
internal sealed class OrderStatisticTree
{
    private const int MaxBlock = 256;

    private Block[] _blocks = new Block[4];     // by position, in order
    private Entry[] _firsts = new Entry[4];     // first entry of the block at each position
    private int[] _fenwick = new int[5];        // sizes by position, 1-based
    private int _positions;
    private Slot[] _slots = [];                 // member -> score, block id, presence: one cache line
    private Block[] _byId = new Block[4];       // block id -> block
    private int[] _positionOf = new int[4];     // block id -> position (kept here, not in the blocks, so a
                                                // split or removal renumbers positions without touching blocks)
    private int[] _idAt = new int[4];           // position -> block id
    private int[] _countAt = new int[4];        // position -> entries (the Fenwick tree is rebuilt from it)
    private int _blockIds;
    private Block[] _free = new Block[4];       // emptied blocks, reused by the next split (no allocation)
    private int _freeCount;
    private int _count;
    private readonly Dictionary<int, int>? _local;  // sparse boards: member -> slot (dense boards index slots by member)
    private readonly Stack<int>? _freeSlots;

    /// <summary>Creates a board.</summary>
    /// <param name="capacity">Slots to reserve.</param>
    /// <param name="sparse">
    /// Whether the board holds few of the community's members (a city's, a day's): slots are then kept per member on
    /// the board instead of per member of the community, so memory follows the board's size.
    /// </param>
    public OrderStatisticTree(int capacity = 16, bool sparse = false)
    {
        if (sparse)
        {
            _local = [];
            _freeSlots = new Stack<int>();
            _slots = new Slot[Math.Max(capacity, 4)];
        }
        else
        {
            EnsureMember(Math.Max(capacity, 1) - 1);
        }
    }

    /// <summary>Members on the board.</summary>
    public int Count => _count;

    /// <summary>Blocks ever allocated (in use or on the free list); a reused block does not count again.</summary>
    internal int AllocatedBlocks => _blockIds;

    public bool Contains(int member) => SlotIndex(member) is var i && i >= 0 && _slots[i].Present;

    /// <summary>The member's score (in the board's stored units), or 0 when absent.</summary>
    public double ScoreOf(int member) => SlotIndex(member) is var i && i >= 0 && _slots[i].Present ? _slots[i].Score : 0;

    /// <summary>Every member on the board with its score, best first.</summary>
    public IEnumerable<(int Member, double Score)> Entries()
    {
        for (var p = 0; p < _positions; p++)
        {
            var block = _blocks[p];
            for (var i = 0; i < block.Count; i++)
            {
                yield return (block.Entries[i].Member, block.Entries[i].Key);
            }
        }
    }

    /// <summary>Sets a member's score, inserting the member when new.</summary>
    public void Set(int member, double score)
    {
        var index = EnsureSlot(member); // may grow the slots: index the array after it
        ref var slot = ref _slots[index];
        if (slot.Present)
        {
            if (slot.Score == score)
            {
                return;
            }

            if (MoveWithinBlock(member, ref slot, score))
            {
                return;
            }

            RemoveEntry(member);
        }

        slot.Score = score;
        slot.Present = true;
        Insert(new Entry(score, member));
    }

    /// <summary>
    /// The common case of a small change: the member stays in its block, so it slides to its new index
    /// with one short shift; block sizes, the directory and the Fenwick tree are untouched.
    /// </summary>
    private bool MoveWithinBlock(int member, ref Slot slot, double score)
    {
        var block = _byId[slot.Block];
        var position = _positionOf[block.Id];
        var moved = new Entry(score, member);
        if ((position > 0 && Before(moved, _firsts[position])) || (position + 1 < _positions && !Before(moved, _firsts[position + 1])))
        {
            return false;
        }

        var from = block.IndexOf(new Entry(slot.Score, member));
        var entries = block.Entries;
        int to;
        if (Before(moved, entries[from]))
        {
            to = Search(entries, 0, from, moved);
            Array.Copy(entries, to, entries, to + 1, from - to);
        }
        else
        {
            to = Search(entries, from + 1, block.Count, moved) - 1;
            Array.Copy(entries, from + 1, entries, from, to - from);
        }

        entries[to] = moved;
        if (to == 0 || from == 0)
        {
            _firsts[position] = entries[0];
        }

        slot.Score = score;
        return true;
    }

    /// <summary>The first index in [lo, hi) whose entry does not come before <paramref name="entry"/>.</summary>
    private static int Search(Entry[] entries, int lo, int hi, Entry entry)
    {
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (Before(entries[mid], entry))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Adds to a member's score (inserting at <paramref name="delta"/> when new).</summary>
    public void Add(int member, double delta) => Set(member, ScoreOf(member) + delta);

    /// <summary>Takes a member off the board.</summary>
    public void Remove(int member)
    {
        if (Contains(member))
        {
            RemoveEntry(member);
            var i = SlotIndex(member);
            _slots[i].Present = false;
            _slots[i].Score = 0; // a member added again starts from nothing
            if (_local is not null)
            {
                _local.Remove(member);
                _freeSlots!.Push(i);
            }
        }
    }

    /// <summary>0-based rank (0 = top), or -1 when absent.</summary>
    public int RankOf(int member)
    {
        if (!Contains(member))
        {
            return -1;
        }

        ref var slot = ref _slots[SlotIndex(member)];
        var block = _byId[slot.Block];
        return Prefix(_positionOf[block.Id]) + block.IndexOf(new Entry(slot.Score, member));
    }

    /// <summary>The member at a 0-based rank.</summary>
    public int MemberAt(int rank, out double score)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, _count);

        // Fenwick descent: the last position whose prefix is still <= rank.
        var position = 0;
        var remaining = rank;
        for (var step = HighestBit(_positions); step > 0; step >>= 1)
        {
            var next = position + step;
            if (next <= _positions && _fenwick[next] <= remaining)
            {
                position = next;
                remaining -= _fenwick[next];
            }
        }

        var entry = _blocks[position].Entries[remaining];
        score = entry.Key;
        return entry.Member;
    }

    /// <summary>Multiplies every score by a positive factor. Order is unchanged, so nothing moves (forward-decay rebase).</summary>
    public void Scale(double factor)
    {
        for (var p = 0; p < _positions; p++)
        {
            var block = _blocks[p];
            for (var i = 0; i < block.Count; i++)
            {
                block.Entries[i] = new Entry(block.Entries[i].Key * factor, block.Entries[i].Member);
            }

            _firsts[p] = block.Entries[0];
        }

        for (var m = 0; m < _slots.Length; m++)
        {
            _slots[m].Score *= factor;
        }
    }

    private void Insert(Entry entry)
    {
        if (_positions == 0)
        {
            var first = NewBlock();
            InsertPosition(0, first);
        }

        // The block to insert into: the last one whose first entry does not come after the entry.
        int lo = 0, hi = _positions - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (Before(entry, _firsts[mid]))
            {
                hi = mid - 1;
            }
            else
            {
                lo = mid;
            }
        }

        var block = _blocks[lo];
        var index = block.InsertAt(entry);
        _countAt[lo]++;
        _slots[SlotIndex(entry.Member)].Block = block.Id;
        if (index == 0)
        {
            _firsts[lo] = entry;
        }

        FenwickAdd(lo, 1);
        _count++;
        if (block.Count == MaxBlock)
        {
            Split(lo);
        }
    }

    private void RemoveEntry(int member)
    {
        ref var slot = ref _slots[SlotIndex(member)];
        var block = _byId[slot.Block];
        var position = _positionOf[block.Id];
        block.RemoveAt(block.IndexOf(new Entry(slot.Score, member)));
        _countAt[position]--;
        FenwickAdd(position, -1);
        _count--;
        if (block.Count == 0)
        {
            RemovePosition(position);
        }
        else
        {
            _firsts[position] = block.Entries[0];
        }
    }

    private void Split(int position)
    {
        var block = _blocks[position];
        var upper = NewBlock();
        var half = block.Count / 2;
        Array.Copy(block.Entries, half, upper.Entries, 0, block.Count - half);
        upper.Count = block.Count - half;
        block.Count = half;
        _countAt[position] = half;
        for (var i = 0; i < upper.Count; i++)
        {
            _slots[SlotIndex(upper.Entries[i].Member)].Block = upper.Id;
        }

        InsertPosition(position + 1, upper);
    }

    private void InsertPosition(int position, Block block)
    {
        if (_positions == _blocks.Length)
        {
            Array.Resize(ref _blocks, _blocks.Length * 2);
            Array.Resize(ref _firsts, _firsts.Length * 2);
            Array.Resize(ref _idAt, _idAt.Length * 2);
            Array.Resize(ref _countAt, _countAt.Length * 2);
        }

        var after = _positions - position;
        Array.Copy(_blocks, position, _blocks, position + 1, after);
        Array.Copy(_firsts, position, _firsts, position + 1, after);
        Array.Copy(_idAt, position, _idAt, position + 1, after);
        Array.Copy(_countAt, position, _countAt, position + 1, after);
        _blocks[position] = block;
        _firsts[position] = block.Count > 0 ? block.Entries[0] : default;
        _idAt[position] = block.Id;
        _countAt[position] = block.Count;
        _positions++;
        Reposition(position);
    }

    private void RemovePosition(int position)
    {
        var block = _blocks[position];
        var after = _positions - position - 1;
        Array.Copy(_blocks, position + 1, _blocks, position, after);
        Array.Copy(_firsts, position + 1, _firsts, position, after);
        Array.Copy(_idAt, position + 1, _idAt, position, after);
        Array.Copy(_countAt, position + 1, _countAt, position, after);
        _positions--;
        _blocks[_positions] = null!;
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = block;   // keeps its id; _byId still points at it
        Reposition(position);
    }

    /// <summary>
    /// After blocks moved: their positions and the Fenwick tree. O(blocks) once per split or removal, but only
    /// over small int arrays — no block is touched, so it costs no cache miss per block.
    /// </summary>
    private void Reposition(int from)
    {
        for (var p = from; p < _positions; p++)
        {
            _positionOf[_idAt[p]] = p;
        }

        if (_fenwick.Length < _positions + 1)
        {
            _fenwick = new int[_blocks.Length + 1];
        }

        Array.Clear(_fenwick);
        for (var p = 1; p <= _positions; p++)
        {
            _fenwick[p] += _countAt[p - 1];
            var parent = p + (p & -p);
            if (parent <= _positions)
            {
                _fenwick[parent] += _fenwick[p];
            }
        }
    }

    private Block NewBlock()
    {
        if (_freeCount > 0)
        {
            var reused = _free[--_freeCount];
            _free[_freeCount] = null!;
            reused.Count = 0;
            return reused;
        }

        if (_blockIds == _byId.Length)
        {
            Array.Resize(ref _byId, _byId.Length * 2);
            Array.Resize(ref _positionOf, _positionOf.Length * 2);
        }

        var block = new Block(_blockIds++);
        _byId[block.Id] = block;
        return block;
    }

    /// <summary>Entries before position <paramref name="position"/>.</summary>
    private int Prefix(int position)
    {
        var sum = 0;
        for (var i = position; i > 0; i -= i & -i)
        {
            sum += _fenwick[i];
        }

        return sum;
    }

    private void FenwickAdd(int position, int delta)
    {
        for (var i = position + 1; i <= _positions; i += i & -i)
        {
            _fenwick[i] += delta;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SlotIndex(int member) =>
        _local is null ? (member < _slots.Length ? member : -1) : _local.TryGetValue(member, out var i) ? i : -1;

    private int EnsureSlot(int member)
    {
        if (_local is null)
        {
            EnsureMember(member);
            return member;
        }

        if (_local.TryGetValue(member, out var existing))
        {
            return existing;
        }

        var slot = _freeSlots!.Count > 0 ? _freeSlots.Pop() : _local.Count;
        if (slot >= _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        _local[member] = slot;
        return slot;
    }

    private void EnsureMember(int member)
    {
        if (member >= _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(member + 1, _slots.Length * 2));
        }
    }

    private static int HighestBit(int value) => value == 0 ? 0 : 1 << (31 - int.LeadingZeroCount(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Before(Entry a, Entry b) => a.Key > b.Key || (a.Key == b.Key && a.Member < b.Member);

    private readonly record struct Entry(double Key, int Member);

    private struct Slot
    {
        public double Score;
        public int Block;
        public bool Present;
    }

    private sealed class Block(int id)
    {
        public readonly Entry[] Entries = new Entry[MaxBlock];
        public readonly int Id = id;
        public int Count;

        /// <summary>Index of an entry known to be in the block (binary search).</summary>
        public int IndexOf(Entry entry) => Search(Entries, 0, Count, entry);

        public int InsertAt(Entry entry)
        {
            var lo = Search(Entries, 0, Count, entry);
            Array.Copy(Entries, lo, Entries, lo + 1, Count - lo);
            Entries[lo] = entry;
            Count++;
            return lo;
        }

        public void RemoveAt(int index)
        {
            Count--;
            Array.Copy(Entries, index + 1, Entries, index, Count - index);
        }
    }
}
