import { containsPersonalData, keepName, normalizeKey, personalKeyMatcher, scrubValue } from '../../server/src/profiles/personal-data';

describe('personal data (pure)', () => {
  const isPersonal = personalKeyMatcher(['loyaltyNumber']);

  it('matches personal keys whatever the case, punctuation or prefix', () => {
    for (const key of ['email', 'Email', 'user_email', 'E-Mail', 'phone_number', 'mobile', 'first_name', 'LastName', 'ip', 'ipAddress', 'dateOfBirth', 'billing_address', 'loyalty-number']) {
      expect([key, isPersonal(key)]).toEqual([key, true]);
    }
    for (const key of ['plan', 'planName', 'seats', 'company', 'city', 'country', 'role']) {
      expect([key, isPersonal(key)]).toEqual([key, false]);
    }
    expect(normalizeKey('First-Name_x')).toBe('firstnamex');
  });

  it('finds e-mail and IP addresses anywhere in a value', () => {
    for (const value of ['jane@example.com', 'Welcome jane.doe+x@mail.example.org!', '203.0.113.7', 'from 10.0.0.1:8080', '2001:db8::1', 'http://[::1]/x']) {
      expect([value, containsPersonalData(value)]).toEqual([value, true]);
    }
    for (const value of ['Pricing', 'Sci-Fi', 'v2.1', 'Order Completed', '12:30', 'a:b', 'C++', 'user@', '@mention']) {
      expect([value, containsPersonalData(value)]).toEqual([value, false]);
    }
    expect(keepName('Pricing')).toBe('Pricing');
    expect(keepName('jane@example.com')).toBeUndefined();
  });

  it('scrubs nested values, keeping the rest', () => {
    expect(scrubValue({ a: { email: 'x', ok: 1, list: ['x@y.co', 'fine'] }, b: '203.0.113.7' }, isPersonal)).toEqual({ a: { ok: 1, list: ['fine'] } });
  });
});
