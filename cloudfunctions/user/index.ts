// user: a member's own account — login and profile.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import * as members from '../common/services/members';
import { memberPrivacyActions } from '../common/privacy/actions';
import { birthdayInput } from '../common/earn/birthday';
import { boundedText } from '../common/inputs';

const nickname = boundedText('nickname', 20)
  .refine((s) => s.length >= 1, 'nickname must not be empty')
  .refine((s) => !/[\u0000-\u001f\u007f<>]/.test(s), 'nickname contains forbidden characters');
// Mainland mobile numbers, or '' to clear. Real numbers arrive later through getPhoneNumber.
const phone = z.union([z.literal(''), z.string().regex(/^1[3-9]\d{9}$/, 'phone must be an 11-digit mainland mobile number')]);

export const main = defineFunction({
  name: 'user',
  actions: {
    login: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: (_input, { caller }) => members.login(caller.openid),
    }),
    getProfile: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: (_input, { caller }) => members.getProfile(caller.openid),
    }),
    updateProfile: action({
      auth: 'member',
      input: z
        .object({ nickname: nickname.optional(), phone: phone.optional(), birthday: birthdayInput().optional() })
        .strict()
        .refine((v) => v.nickname !== undefined || v.phone !== undefined || v.birthday !== undefined, 'nothing to update: give nickname, phone or birthday'),
      run: (input, { caller }) => members.updateProfile(caller.openid, input),
    }),
    // 导出我的数据, 注销账号 (docs/privacy.md).
    ...memberPrivacyActions,
  },
});
