// The console mall's pure parts: a picture's kind from its first bytes, the CSV of a batch shipment
// (cells, header, row refusals) and what each row does to the order as stored.
import { decodeImage, imageTypeOf, MAX_IMAGE_BYTES } from '../../cloudfunctions/common/mall/images';
import { csvCells, decideShip, parseShipLines } from '../../cloudfunctions/common/mall/ship-batch';

describe('pictures are known by their bytes, not their names', () => {
  test.each([
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0], 'png'],
    [[0xff, 0xd8, 0xff, 0xdb], 'jpg'],
    [[...Buffer.from('GIF87a')], 'gif'],
    [[...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WEBP')], 'webp'],
    [[...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WAVE')], null],
    [[...Buffer.from('%PDF-1.7')], null],
    [[0x89, 0x50, 0x4e], null],
    [[], null],
  ])('%j → %s', (bytes, type) => expect(imageTypeOf(Uint8Array.from(bytes))).toBe(type));

  test('the size is checked before decoding, to the byte', () => {
    const ok = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(MAX_IMAGE_BYTES - 3)]);
    expect(decodeImage([ok.toString('base64')]).bytes.length).toBe(MAX_IMAGE_BYTES);
    const over = Buffer.concat([ok, Buffer.alloc(1)]);
    expect(() => decodeImage([over.toString('base64')])).toThrow('图片：不能超过 512 KB');
    expect(() => decodeImage('x')).toThrow('图片：没有收到文件');
  });
});

describe('batch shipping CSV', () => {
  test('cells: commas, tabs, full-width commas, quotes with doubled quotes', () => {
    expect(csvCells('oA1, 顺丰 ,SF123456')).toEqual(['oA1', '顺丰', 'SF123456']);
    expect(csvCells('oA1\t顺丰\tSF123456')).toEqual(['oA1', '顺丰', 'SF123456']);
    expect(csvCells('oA1，顺丰，SF123456')).toEqual(['oA1', '顺丰', 'SF123456']);
    expect(csvCells('"oA1","顺""丰, 速运",SF123456')).toEqual(['oA1', '顺"丰, 速运', 'SF123456']);
  });

  test('a header only on the first line; blank lines skipped; line numbers are the file\'s', () => {
    const { rows, refused } = parseShipLines(['order,company,no', '', 'oA1,顺丰,SF123456', '订单号,快递公司,运单号']);
    expect(rows).toEqual([{ line: 3, order: 'oA1', company: '顺丰', trackingNo: 'SF123456' }]);
    expect(refused).toEqual([{ line: 4, order: '订单号', company: '快递公司', trackingNo: '运单号', outcome: 'refused', reason: '订单号格式不对' }]);
  });

  test.each([
    [',顺丰,SF123456', '缺少订单号'],
    ['oA1', '缺少快递公司'],
    ['oA1,顺丰', '缺少运单号'],
    ['oA1,顺丰,SF1', '运单号应为 6–40 位字母、数字或 -'],
    ['oA1,<b>顺丰</b>,SF123456', '快递公司不能超过 20 个字，且不能包含 < >'],
  ])('%s → %s', (line, reason) => expect(parseShipLines([line]).refused[0].reason).toBe(reason));

  test('what a row does to the order as stored', () => {
    const row = { line: 2, order: 'oA1', company: '顺丰', trackingNo: 'SF123456' };
    const at = new Date();
    expect(decideShip(row, null)).toMatchObject({ outcome: 'refused', reason: '订单不存在' });
    expect(decideShip(row, { status: 'toShip', title: '壶' })).toMatchObject({ outcome: 'ship', title: '壶' });
    expect(decideShip(row, { status: 'shipped', title: '壶', logistics: { company: '顺丰', trackingNo: 'SF123456', shippedAt: at } })).toMatchObject({ outcome: 'already' });
    expect(decideShip(row, { status: 'shipped', title: '壶', logistics: { company: '中通', trackingNo: 'SF123456', shippedAt: at } })).toMatchObject({ outcome: 'refused', reason: '已发货（中通 SF123456），不能改运单号' });
    expect(decideShip(row, { status: 'unpaid', title: '壶' })).toMatchObject({ outcome: 'refused', reason: '订单待付款，不能发货' });
    expect(decideShip(row, { status: 'completed', title: '壶' })).toMatchObject({ outcome: 'refused', reason: '订单已完成，不能发货' });
  });
});
