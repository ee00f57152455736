import { ERROR_CODES, isDuplicateKeyError, isTransactionConflict } from '../../cloudfunctions/common/errors';
import { defaultNickname } from '../../cloudfunctions/common/services/members';
import { ERROR_CODES as CLIENT_CODES, errorText } from '../../src/services/errors';

describe('error codes', () => {
  test('every server error code has Chinese text on the client', () => {
    for (const code of ERROR_CODES) {
      expect((CLIENT_CODES as readonly string[]).includes(code)).toBe(true);
      expect(errorText(code)).toMatch(/[\u4e00-\u9fa5]/);
    }
  });

  test('SDK errors are classified by the database wording', () => {
    expect(isDuplicateKeyError({ errCode: -502001, errMsg: 'E11000 duplicate key error collection: members' })).toBe(true);
    expect(isDuplicateKeyError(new Error('network down'))).toBe(false);
    expect(isTransactionConflict({ errMsg: 'DATABASE_TRANSACTION_CONFLICT: write conflict' })).toBe(true);
    expect(isTransactionConflict('document does not exist')).toBe(false);
  });
});

describe('default nickname', () => {
  test('is stable per openid and looks like 会员XXXX', () => {
    expect(defaultNickname('oA')).toBe(defaultNickname('oA'));
    expect(defaultNickname('oA')).toMatch(/^会员[0-9A-F]{4}$/);
    expect(defaultNickname('oA')).not.toBe(defaultNickname('oB'));
  });
});
