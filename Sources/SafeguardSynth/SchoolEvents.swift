/// Education and early-years records per child: exclusions, attendance, funded nursery places.
extension AreaGenerator {
  mutating func makeSchoolEvents(_ person: Int, _ household: Household, academicYear: Int32) {
    let p = out.persons[person]
    let r = household.riskScore
    let age = Dates.age(born: p.dob, on: reference)

    // Suspensions (fixed-period exclusions) and permanent exclusions while of compulsory school
    // age, on school days only; far more common at secondary school.
    let first = max(windowStart, Dates.adding(years: 5, to: p.dob))
    let last = min(reference, Dates.adding(years: 16, to: p.dob) - 1)
    if first <= last {
      let years = Double(last - first + 1) / Dates.daysPerYear
      let rate = (age >= 11 ? 0.07 : 0.012) * (1 + 1.2 * r)
      for _ in 0..<rng.poisson(rate * years) {
        var date = day(from: first, to: last)
        let weekday = Dates.weekday(date)
        if weekday >= 5 { date += Int32(7 - weekday) }  // to the Monday
        let month = Dates.monthOf(date)
        guard date <= reference, month != 8 else { continue }
        let permanent = rng.chance(0.015 * (1 + r))
        out.exclusions.append(
          ChildRecord(
            person: Int32(person), date: date, code: permanent ? 1 : 0,
            detail: UInt8(rng.weighted(SchoolExclusions.reasonWeights)),
            number: permanent ? 0 : UInt16(1 + rng.below(10))))
      }
    }

    // Attendance in each term of this academic year that has begun, for pupils from Reception
    // (age 4 on 31 August) to Year 11 (age 15).
    let ageAtYearStart = Dates.age(born: p.dob, on: academicYear - 1)
    if (4...15).contains(ageAtYearStart) {
      let u = rng.unit()
      let propensity = 0.03 + 0.025 * r + 0.12 * u * u * u
      let unauthorisedShare = min(0.9, 0.2 + 0.25 * r)
      for (term, dates) in Dates.terms(ofAcademicYearStarting: academicYear).enumerated()
      where dates.first <= reference {
        var possible = Dates.sessions(from: dates.first, to: min(dates.last, reference))
        if rng.chance(0.04) { possible = possible * (60 + rng.below(35)) / 100 }  // joined mid-term
        let missed = min(possible, Int((Double(possible) * propensity * (0.7 + 0.6 * rng.unit())).rounded()))
        let unauthorised = Int(Double(missed) * unauthorisedShare)
        out.attendance.append(
          Attendance(
            person: Int32(person), term: UInt8(term), possible: UInt16(possible),
            authorised: UInt16(missed - unauthorised), unauthorised: UInt16(unauthorised)))
      }
    }

    // Funded early education: the two-year-old offer for disadvantaged families (eligibility
    // checked), and the universal offer for three- and four-year-olds not yet in Reception.
    let notInReception = p.dob > Dates.day(Dates.yearOf(academicYear) - 4, 8, 31)
    if age == 2 {
      let eligible = rng.chance(min(0.9, 0.2 + 0.3 * min(1, r)))
      let taken = eligible && rng.chance(max(0.2, 0.75 - 0.1 * r))
      out.nursery.append(
        ChildRecord(
          person: Int32(person), date: day(from: reference - 180, to: reference - 14), code: 0,
          detail: (eligible ? 1 : 0) | (taken ? 2 : 0)))
    } else if age >= 3, notInReception {
      let taken = rng.chance(max(0.3, 0.94 - 0.06 * r))
      out.nursery.append(ChildRecord(person: Int32(person), date: .min, code: 1, detail: 1 | (taken ? 2 : 0)))
    }
  }
}
